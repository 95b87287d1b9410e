import type { Principal } from '@kairos/access';
import type { AuditTrail } from '@kairos/audit';
import { KairosError, type ValidationIssue } from '@kairos/contracts';
import { checkCampaignDefinition, type ActionCatalog, type AuthoredCampaign } from '@kairos/decisioning';
import type { CampaignVersionRecord, CampaignVersionRepository, CampaignVersionRow, CampaignVersionStatus } from '@kairos/persistence';
import { campaignAuditRecord, type CampaignTransition } from './campaign-audit';
import type { CampaignTransitionRequest, CampaignWriteRequest } from './campaign-lifecycle-requests';

export interface CampaignLifecycleOptions {
  readonly repository: CampaignVersionRepository;
  readonly audit: AuditTrail;
  /** The catalog in force: channels, external features, and the campaign ids it defines itself (taken). */
  readonly catalog: ActionCatalog;
  readonly isFeature: (name: string) => boolean;
  /** The servable version of each content reference now (null: none approved): variants must be approved content. */
  readonly approvedVersions: (refs: readonly string[], atMs: number) => Promise<ReadonlyMap<string, string | null>>;
  readonly clock?: () => number;
  /** Re-reads the active versions into this process's live catalog after an approval or retirement (ServedCampaigns). */
  readonly served?: { refresh(): Promise<unknown> };
}

/** A stored version as the API shows it. */
export interface CampaignVersionView {
  readonly campaignId: string;
  readonly version: number;
  readonly status: CampaignVersionStatus;
  readonly campaign: AuthoredCampaign;
  readonly authorId: string;
  readonly lastEditorId: string;
  readonly submittedBy: string | null;
  readonly approvedBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * Campaigns authored over HTTP: draft → review → active → retired, versioned like rule sets. Every step is
 * validated, audited (`campaign_changed`) before it is stored, and guarded against concurrent steps. Four eyes:
 * whoever wrote or last edited a version never approves it. Editing an active or retired campaign opens a new draft
 * version; the active one keeps running until the new one is approved.
 */
export class CampaignLifecycleService {
  private readonly clock: () => number;

  constructor(private readonly options: CampaignLifecycleOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async create(principal: Principal, request: CampaignWriteRequest): Promise<CampaignVersionView> {
    const definition = await this.validated(request.campaign);
    // The campaign is served as an action of its own id: neither a catalog campaign nor a catalog action may have it.
    if (this.options.catalog.campaigns.has(definition.id) || this.options.catalog.actionsById.has(definition.id) || (await this.options.repository.latest(definition.id))) {
      throw new KairosError('CONFLICT', 'a campaign with this id exists', [{ path: 'campaign.id', rule: 'unique', message: 'this campaign id is taken; edit it with PUT instead' }]);
    }
    return this.insertVersion(principal, definition, 1, 'created', request.reason ?? null);
  }

  async edit(principal: Principal, campaignId: string, request: CampaignWriteRequest): Promise<CampaignVersionView> {
    const definition = await this.validated(request.campaign);
    if (definition.id !== campaignId) throw new KairosError('VALIDATION_FAILED', 'the campaign id is not the one in the path', [{ path: 'campaign.id', rule: 'matches_path', message: `must be ${campaignId}` }]);
    const latest = await this.latest(campaignId);
    if (latest.status === 'active' || latest.status === 'retired') return this.insertVersion(principal, definition, latest.version + 1, 'edited', request.reason ?? null);
    // A draft, or a version in review: edited in place and back to draft (a reviewer must see what is approved).
    return this.step(principal, latest, 'edited', { status: 'draft', definition: JSON.stringify(definition), lastEditorId: principal.id, submittedBy: null }, request.reason ?? null);
  }

  async submit(principal: Principal, campaignId: string, request: CampaignTransitionRequest): Promise<CampaignVersionView> {
    const latest = await this.latestIn(campaignId, 'draft', 'submit');
    return this.step(principal, latest, 'submitted', { status: 'review', submittedBy: principal.id }, request.reason ?? null);
  }

  async approve(principal: Principal, campaignId: string, request: CampaignTransitionRequest): Promise<CampaignVersionView> {
    const latest = await this.latestIn(campaignId, 'review', 'approve');
    if (principal.id === latest.authorId || principal.id === latest.lastEditorId) {
      throw new KairosError('FORBIDDEN', 'four eyes: the author or last editor of a campaign version cannot approve it');
    }
    // Content may have been retired since the draft was written: checked again when it goes live.
    await this.validated(JSON.parse(latest.definition) as Record<string, unknown>);
    const previous = (await this.options.repository.versionsOf(campaignId)).find((row) => row.status === 'active');
    const view = await this.step(principal, latest, 'approved', { status: 'active', approvedBy: principal.id }, request.reason ?? null, previous ? [{ version: previous, patch: { status: 'retired', updatedAtMs: this.clock() } }] : []);
    await this.served();
    return view;
  }

  async retire(principal: Principal, campaignId: string, request: CampaignTransitionRequest): Promise<CampaignVersionView> {
    const active = (await this.options.repository.versionsOf(campaignId)).find((row) => row.status === 'active');
    if (!active) {
      await this.latest(campaignId);
      throw new KairosError('CONFLICT', 'the campaign has no active version', [{ path: 'campaignId', rule: 'active_version', message: 'only an active campaign can be retired' }]);
    }
    const view = await this.step(principal, active, 'retired', { status: 'retired' }, request.reason ?? null);
    await this.served();
    return view;
  }

  async versions(campaignId: string): Promise<{ items: CampaignVersionView[] }> {
    const rows = await this.options.repository.versionsOf(campaignId);
    if (rows.length === 0) throw notFound();
    return { items: rows.map(viewOf) };
  }

  /** The newest version of every authored campaign, read fresh (every process sees changes without a restart). */
  newest(): Promise<CampaignVersionRecord[]> {
    return this.options.repository.newest();
  }

  /** This process serves the change at once; the others at their next poll. Stored already: a failed read only waits for the poll. */
  private async served(): Promise<void> {
    await this.options.served?.refresh().catch(() => undefined);
  }

  private async validated(raw: Record<string, unknown>): Promise<AuthoredCampaign> {
    const { definition } = checkCampaignDefinition(raw, { catalog: this.options.catalog, isFeature: this.options.isFeature });
    const refs = definition.variants.map((variant) => variant.contentRef);
    const approved = await this.options.approvedVersions(refs, this.clock());
    const issues: ValidationIssue[] = [];
    definition.variants.forEach((variant, i) => {
      if (!approved.get(variant.contentRef)) issues.push({ path: `campaign.variants[${i}].contentRef`, rule: 'approved_content', message: 'must name content that is approved and servable now' });
    });
    if (issues.length > 0) throw new KairosError('VALIDATION_FAILED', `the campaign is invalid: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
    return definition;
  }

  private async insertVersion(principal: Principal, definition: AuthoredCampaign, version: number, transition: CampaignTransition, reason: string | null): Promise<CampaignVersionView> {
    const atMs = this.clock();
    const row: CampaignVersionRow = {
      campaignId: definition.id,
      version,
      status: 'draft',
      definition: JSON.stringify(definition),
      authorId: principal.id,
      lastEditorId: principal.id,
      submittedBy: null,
      approvedBy: null,
      rowVersion: 0,
      createdAtMs: atMs,
      updatedAtMs: atMs,
    };
    await this.options.audit.append(campaignAuditRecord(transition, row, principal, atMs, reason));
    if (!(await this.options.repository.insert(row))) throw concurrent();
    return viewOf(row);
  }

  private async step(
    principal: Principal,
    row: CampaignVersionRecord,
    transition: CampaignTransition,
    patch: Partial<CampaignVersionRow>,
    reason: string | null,
    others: readonly { version: CampaignVersionRecord; patch: Partial<CampaignVersionRow> }[] = [],
  ): Promise<CampaignVersionView> {
    const atMs = this.clock();
    const after: CampaignVersionRow = { ...row, ...patch, updatedAtMs: atMs, rowVersion: row.rowVersion + 1 };
    await this.options.audit.append(campaignAuditRecord(transition, after, principal, atMs, reason));
    if (!(await this.options.repository.update([{ version: row, patch: { ...patch, updatedAtMs: atMs } }, ...others]))) throw concurrent();
    return viewOf(after);
  }

  private async latest(campaignId: string): Promise<CampaignVersionRecord> {
    const latest = await this.options.repository.latest(campaignId);
    if (!latest) throw notFound();
    return latest;
  }

  private async latestIn(campaignId: string, status: CampaignVersionStatus, step: string): Promise<CampaignVersionRecord> {
    const latest = await this.latest(campaignId);
    if (latest.status !== status) {
      throw new KairosError('CONFLICT', `the latest version is ${latest.status}`, [{ path: 'campaignId', rule: `${status}_version`, message: `${step} needs the latest version in ${status}; it is ${latest.status}` }]);
    }
    return latest;
  }
}

function viewOf(row: CampaignVersionRecord): CampaignVersionView {
  return {
    campaignId: row.campaignId,
    version: row.version,
    status: row.status,
    campaign: JSON.parse(row.definition) as AuthoredCampaign,
    authorId: row.authorId,
    lastEditorId: row.lastEditorId,
    submittedBy: row.submittedBy,
    approvedBy: row.approvedBy,
    createdAt: new Date(row.createdAtMs).toISOString(),
    updatedAt: new Date(row.updatedAtMs).toISOString(),
  };
}

function notFound(): KairosError {
  return new KairosError('NOT_FOUND', 'no authored campaign with this id', [{ path: 'campaignId', rule: 'exists', message: 'no campaign version with this id' }]);
}

function concurrent(): KairosError {
  return new KairosError('CONFLICT', 'the campaign changed meanwhile', [{ path: 'campaignId', rule: 'concurrent_change', message: 'another change came first; read the campaign again' }]);
}
