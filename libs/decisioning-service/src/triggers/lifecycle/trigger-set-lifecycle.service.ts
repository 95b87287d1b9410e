import type { Principal } from '@kairos/access';
import type { AuditTrail } from '@kairos/audit';
import { KairosError } from '@kairos/contracts';
import type { TriggerSetStep, TriggerSetStatus, TriggerSetVersionRecord, TriggerSetVersionRepository, TriggerSetVersionRow } from '@kairos/persistence';
import type { TriggerSet } from '@kairos/triggers';
import { triggerSetAuditRecord } from './trigger-set-audit';
import { OPEN_TRIGGER_SET_STATUSES, triggerSetMove, type TriggerSetCommand, type TriggerSetTransition } from './trigger-set-status';

export interface TriggerSetLifecycleOptions {
  readonly repository: TriggerSetVersionRepository;
  readonly audit: AuditTrail;
  /** `checkTriggerDocument` bound to the registry and the base action catalog: VALIDATION_FAILED naming each field. */
  readonly check: (document: unknown) => TriggerSet;
  /** The process's served set: refreshed right after a deploy or rollback here (other processes poll). */
  readonly served: { refresh(): Promise<unknown>; readonly current: { readonly version: number | null; readonly set: TriggerSet } };
  readonly clock?: () => number;
}

export interface TriggerSetWrite {
  readonly document: Record<string, unknown>;
  readonly reason?: string;
}

export interface TriggerSetTransitionRequest {
  readonly reason?: string;
}

/** A stored version as the API shows it. */
export interface TriggerSetVersionView {
  readonly version: number;
  readonly status: TriggerSetStatus;
  readonly document: unknown;
  readonly authorId: string;
  readonly lastEditorId: string;
  readonly submittedBy: string | null;
  readonly approvedBy: string | null;
  readonly deployedBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deployedAt: string | null;
}

/** What runs now: a stored version, or the seed document when none is deployed. */
export interface ServedTriggerSetView {
  readonly source: 'stored' | 'seed';
  readonly version: number | null;
  readonly documentVersion: string;
  readonly triggers: readonly string[];
}

/**
 * The platform's trigger set authored over HTTP: draft → review → approved (four eyes) → deployed → retired,
 * versioned like rule sets, with one-call rollback. Every step is validated against the feature registry and the
 * action catalog, audited (`trigger_set_changed`) before it is stored, and guarded against a concurrent step.
 * Whoever wrote or last edited a version never approves it. A deploy runs in this process at once and in the
 * others within their poll (ServedTriggerSet), without a restart.
 */
export class TriggerSetLifecycleService {
  private readonly clock: () => number;

  constructor(private readonly options: TriggerSetLifecycleOptions) {
    this.clock = options.clock ?? Date.now;
  }

  async create(principal: Principal, request: TriggerSetWrite): Promise<TriggerSetVersionView> {
    this.options.check(request.document);
    const versions = await this.options.repository.all();
    const open = versions.find((row) => OPEN_TRIGGER_SET_STATUSES.includes(row.status));
    if (open) throw new KairosError('CONFLICT', 'a trigger-set version is under way', [{ path: 'version', rule: 'open_version', message: `version ${open.version} is ${open.status}; edit, deploy or retire it first` }]);
    const atMs = this.clock();
    const row: TriggerSetVersionRow = {
      version: (versions[0]?.version ?? 0) + 1,
      status: 'draft',
      document: JSON.stringify(request.document),
      authorId: principal.id,
      submittedBy: null,
      approvedBy: null,
      deployedBy: null,
      lastEditorId: principal.id,
      rowVersion: 0,
      createdAtMs: atMs,
      updatedAtMs: atMs,
      deployedAtMs: null,
    };
    await this.options.audit.append(triggerSetAuditRecord('created', row, principal, atMs, { reason: request.reason ?? null }));
    if (!(await this.options.repository.insert(row))) throw concurrent();
    return viewOf(row);
  }

  /** A draft, or a version in review: edited in place and back to draft (a reviewer must see what is approved). */
  async edit(principal: Principal, version: number, request: TriggerSetWrite): Promise<TriggerSetVersionView> {
    const row = await this.versionOf(version);
    const status = triggerSetMove('edit', row.status);
    this.options.check(request.document);
    return this.step(principal, 'edited', row, { status, document: JSON.stringify(request.document), lastEditorId: principal.id, submittedBy: null }, request.reason);
  }

  async submit(principal: Principal, version: number, request: TriggerSetTransitionRequest): Promise<TriggerSetVersionView> {
    const row = await this.checkedMove('submit', version);
    return this.step(principal, 'submitted', row, { status: 'review', submittedBy: principal.id }, request.reason);
  }

  async approve(principal: Principal, version: number, request: TriggerSetTransitionRequest): Promise<TriggerSetVersionView> {
    const row = await this.checkedMove('approve', version);
    if (principal.id === row.authorId || principal.id === row.lastEditorId) {
      throw new KairosError('FORBIDDEN', 'four eyes: the author or last editor of a trigger-set version cannot approve it');
    }
    return this.step(principal, 'approved', row, { status: 'approved', approvedBy: principal.id }, request.reason);
  }

  /** The approved version goes live; the one deployed before it retires (a rollback can bring it back). */
  async deploy(principal: Principal, version: number, request: TriggerSetTransitionRequest): Promise<TriggerSetVersionView> {
    const row = await this.checkedMove('deploy', version);
    const previous = await this.options.repository.deployed();
    const atMs = this.clock();
    const view = await this.step(principal, 'deployed', row, { status: 'deployed', deployedBy: principal.id, deployedAtMs: atMs }, request.reason, {
      previousVersion: previous?.version ?? null,
      others: previous ? [{ read: previous, patch: { status: 'retired', updatedAtMs: atMs } }] : [],
    });
    await this.served();
    return view;
  }

  async retire(principal: Principal, version: number, request: TriggerSetTransitionRequest): Promise<TriggerSetVersionView> {
    const row = await this.versionOf(version);
    if (row.status === 'deployed') {
      throw new KairosError('CONFLICT', 'the deployed trigger set is not retired on its own', [{ path: 'version', rule: 'deployed_version', message: 'deploy another version or roll back instead' }]);
    }
    return this.step(principal, 'retired', row, { status: triggerSetMove('retire', row.status) }, request.reason);
  }

  /**
   * One call: the deployed version retires and the version deployed before it runs again — or, when there was
   * none, the seed document. The previous set's triggers get their state back only where the definition is the same.
   */
  async rollback(principal: Principal, request: TriggerSetTransitionRequest): Promise<ServedTriggerSetView> {
    const versions = await this.options.repository.all();
    const current = versions.find((row) => row.status === 'deployed');
    if (!current) throw new KairosError('CONFLICT', 'nothing is deployed to roll back', [{ path: 'version', rule: 'not_deployed', message: 'the seed triggers run; no stored version is deployed' }]);
    const previous = versions.find((row) => row.version < current.version && row.status === 'retired' && row.deployedAtMs !== null);
    if (previous) this.options.check(JSON.parse(previous.document) as unknown);
    const atMs = this.clock();
    const reason = request.reason ?? null;
    const retired = { ...current, status: 'retired' as const, updatedAtMs: atMs };
    await this.options.audit.append(triggerSetAuditRecord('rolled_back', retired, principal, atMs, { reason, previousVersion: previous?.version ?? null }));
    const step: { read: TriggerSetVersionRecord; patch: Partial<TriggerSetVersionRow> }[] = [{ read: current, patch: { status: 'retired', updatedAtMs: atMs } }];
    if (previous) {
      const restored = { status: 'deployed' as const, deployedBy: principal.id, deployedAtMs: atMs, updatedAtMs: atMs };
      await this.options.audit.append(triggerSetAuditRecord('restored', { ...previous, ...restored }, principal, atMs, { reason, previousVersion: current.version }));
      step.push({ read: previous, patch: restored });
    }
    if (!(await this.options.repository.apply(step))) throw concurrent();
    await this.served();
    return this.deployed();
  }

  async versions(): Promise<{ items: TriggerSetVersionView[] }> {
    return { items: (await this.options.repository.all()).map(viewOf) };
  }

  async get(version: number): Promise<TriggerSetVersionView> {
    return viewOf(await this.versionOf(version));
  }

  /** What this process runs now. */
  deployed(): ServedTriggerSetView {
    const { version, set } = this.options.served.current;
    return { source: version === null ? 'seed' : 'stored', version, documentVersion: set.version, triggers: set.triggers.map((trigger) => trigger.id) };
  }

  /** This process runs the change at once; the others at their next poll. Stored already: a failed read only waits for the poll. */
  private async served(): Promise<void> {
    await this.options.served.refresh().catch(() => undefined);
  }

  /** The version, in a status `command` starts from, with a document that still compiles (submit, approve and deploy check it again). */
  private async checkedMove(command: TriggerSetCommand, version: number): Promise<TriggerSetVersionRecord> {
    const row = await this.versionOf(version);
    triggerSetMove(command, row.status);
    this.options.check(JSON.parse(row.document) as unknown);
    return row;
  }

  private async step(
    principal: Principal,
    transition: TriggerSetTransition,
    row: TriggerSetVersionRecord,
    patch: Partial<TriggerSetVersionRow>,
    reason: string | undefined,
    extra: { readonly previousVersion?: number | null; readonly others?: TriggerSetStep } = {},
  ): Promise<TriggerSetVersionView> {
    const change = { ...patch, updatedAtMs: this.clock() };
    // On the record before it is stored: a step the trail does not show never happened.
    await this.options.audit.append(triggerSetAuditRecord(transition, { ...row, ...change }, principal, change.updatedAtMs, { reason: reason ?? null, previousVersion: extra.previousVersion }));
    const stored = await this.options.repository.apply([{ read: row, patch: change }, ...(extra.others ?? [])]);
    if (!stored) throw concurrent();
    return viewOf({ ...row, ...change, rowVersion: row.rowVersion + 1 });
  }

  private async versionOf(version: number): Promise<TriggerSetVersionRecord> {
    const row = await this.options.repository.byVersion(version);
    if (!row) throw new KairosError('NOT_FOUND', 'no such trigger-set version', [{ path: 'version', rule: 'exists', message: 'no trigger-set version with this number' }]);
    return row;
  }
}

function viewOf(row: TriggerSetVersionRecord): TriggerSetVersionView {
  const { rowVersion: _rowVersion, document, createdAtMs, updatedAtMs, deployedAtMs, ...people } = row;
  const iso = (ms: number) => new Date(ms).toISOString();
  return { ...people, document: JSON.parse(document) as unknown, createdAt: iso(createdAtMs), updatedAt: iso(updatedAtMs), deployedAt: deployedAtMs === null ? null : iso(deployedAtMs) };
}

/** Another step stored first (the repository found a row version other than the one read). */
function concurrent(): KairosError {
  const issue = { path: 'version', rule: 'concurrent_change', message: 'another step came first; read the version again' };
  return new KairosError('CONFLICT', 'the trigger-set version changed meanwhile', [issue]);
}
