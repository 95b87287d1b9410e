import type { Principal } from '@kairos/access';
import type { AuditRecordDraft, AuditTrail } from '@kairos/audit';
import { KairosError } from '@kairos/contracts';
import type { ActionCatalog } from '@kairos/decisioning';
import { staleBindingError, type ContentRefBindingEntry, type ContentRefBindings } from '../decisions/approved-content.source';
import type { BindContentRefRequest } from './content-ref-requests';
import { contentRefUsage, type ContentRefUse } from './content-ref-usage';

/** What the content catalog says of a draft's servable revision (a subset of ServableRevision of @kairos/content). */
export interface ServableRevisionSummary {
  readonly contentVersion: string;
  readonly revision: number;
  readonly contentHash: string;
  readonly approvedAtMs: number;
  readonly validUntilMs: number;
}

/** The revision of a draft that may be shown now (ContentCatalog.servableRevision of @kairos/content-service). */
export interface ServableRevisionLookup {
  servableRevision(draftId: string, atMs: number): Promise<ServableRevisionSummary | null>;
}

/** A draft's review state, to say why it cannot be bound (ContentDraftRepository.summary of @kairos/persistence). */
export interface DraftSummaryLookup {
  summary(draftId: string): Promise<{ readonly status: string; readonly customerId: string | null; readonly liveValidUntilMs: number | null } | null>;
}

export interface ContentRefsOptions {
  readonly catalog: ActionCatalog;
  readonly bindings: ContentRefBindings;
  readonly revisions: ServableRevisionLookup;
  readonly drafts: DraftSummaryLookup;
  readonly audit: AuditTrail;
  readonly clock?: () => number;
}

export interface ServableRevisionView {
  readonly draftId: string;
  readonly revision: number;
  readonly contentHash: string;
  readonly contentVersion: string;
  readonly approvedAt: string;
  readonly validUntil: string;
}

/** A content reference of the catalog: its binding, what a decision would serve for it now, and who uses it. */
export interface ContentRefView {
  readonly ref: string;
  /** The bound draft; null: the reference names a draft id itself. */
  readonly draftId: string | null;
  readonly version: number;
  readonly boundBy: string | null;
  readonly boundAt: string | null;
  /** The approved, unexpired revision a decision would name now; null: actions using the ref are suppressed. */
  readonly servable: ServableRevisionView | null;
  readonly usedBy: readonly ContentRefUse[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Binds the action catalog's content references to approved drafts (issue 5). Only references the catalog knows,
 * only drafts with an approved, unexpired revision right now and not personalized for one customer; every binding
 * is audited (kind content_approved, `contentRef` in the output) before it takes effect.
 */
export class ContentRefDirectory {
  private readonly usage: ReadonlyMap<string, readonly ContentRefUse[]>;
  private readonly clock: () => number;

  constructor(private readonly options: ContentRefsOptions) {
    this.usage = contentRefUsage(options.catalog);
    this.clock = options.clock ?? Date.now;
  }

  async list(): Promise<ContentRefView[]> {
    const bound = new Map((await this.options.bindings.list()).map((entry) => [entry.ref, entry]));
    const atMs = this.clock();
    return Promise.all([...this.usage.keys()].map((ref) => this.view(ref, bound.get(ref) ?? null, atMs)));
  }

  async bind(principal: Principal, ref: string, request: BindContentRefRequest): Promise<ContentRefView> {
    const uses = this.usage.get(ref);
    if (!uses) throw new KairosError('NOT_FOUND', 'the action catalog has no such content ref', [{ path: 'ref', rule: 'unknown_content_ref', message: 'must be a content ref of the action catalog' }]);
    const atMs = this.clock();
    const servable = await this.options.revisions.servableRevision(request.draftId, atMs);
    if (servable === null) throw await this.whyNotServable(request.draftId, atMs);
    await this.refusePersonalized(request.draftId);
    const current = await this.options.bindings.stored(ref);
    const expected = request.version ?? current?.version ?? 0;
    if (expected !== (current?.version ?? 0)) {
      throw staleBindingError();
    }
    // Audited before it takes effect: no binding serves without its record (a lost race leaves a refused attempt).
    await this.options.audit.append(this.auditRecord(principal, ref, request.draftId, servable, current, uses, atMs));
    const stored = await this.options.bindings.put(ref, request.draftId, principal.id, expected);
    return this.view(ref, stored, atMs);
  }

  private async whyNotServable(draftId: string, atMs: number): Promise<KairosError> {
    const draft = await this.options.drafts.summary(draftId);
    if (draft === null) return new KairosError('NOT_FOUND', 'there is no such content draft', [{ path: 'draftId', rule: 'not_found', message: 'must name an existing content draft' }]);
    const rule = draft.liveValidUntilMs !== null && atMs >= draft.liveValidUntilMs ? 'approval_expired' : draft.status === 'retired' ? 'retired' : 'not_approved';
    return new KairosError('CONFLICT', 'only an approved, unexpired draft may be bound', [{ path: 'draftId', rule, message: 'the draft needs an approved revision that is valid now' }]);
  }

  /** Content written for one customer must never be served to everyone a catalog action reaches. */
  private async refusePersonalized(draftId: string): Promise<void> {
    const draft = await this.options.drafts.summary(draftId);
    if (draft?.customerId != null) {
      throw new KairosError('CONFLICT', 'personalized content cannot serve a catalog content ref', [{ path: 'draftId', rule: 'personalized_content', message: 'the draft was written for one customer' }]);
    }
  }

  private auditRecord(
    principal: Principal,
    ref: string,
    draftId: string,
    servable: ServableRevisionSummary,
    current: ContentRefBindingEntry | null,
    uses: readonly ContentRefUse[],
    atMs: number,
  ): AuditRecordDraft {
    return {
      kind: 'content_approved',
      actor: { type: 'principal', principalId: principal.id, role: principal.role },
      logic: { contentVersion: servable.contentVersion },
      output: {
        contentRef: ref,
        draftId,
        revision: servable.revision,
        contentHash: servable.contentHash,
        validUntilMs: servable.validUntilMs,
        previousDraftId: current?.draftId ?? null,
        bindingVersion: (current?.version ?? 0) + 1,
        actionIds: [...new Set(uses.map((use) => use.actionId))],
      },
      reasons: ['content_ref_bound', 'approved_unexpired_revision'],
      occurredAtMs: atMs,
    };
  }

  private async view(ref: string, entry: ContentRefBindingEntry | null, atMs: number): Promise<ContentRefView> {
    const servingDraft = entry?.draftId ?? ref;
    const servable = await this.options.revisions.servableRevision(servingDraft, atMs);
    return {
      ref,
      draftId: entry?.draftId ?? null,
      version: entry?.version ?? 0,
      boundBy: entry?.boundBy ?? null,
      boundAt: entry ? iso(entry.boundAtMs) : null,
      servable: servable
        ? { draftId: servingDraft, revision: servable.revision, contentHash: servable.contentHash, contentVersion: servable.contentVersion, approvedAt: iso(servable.approvedAtMs), validUntil: iso(servable.validUntilMs) }
        : null,
      usedBy: this.usage.get(ref) ?? [],
    };
  }
}
