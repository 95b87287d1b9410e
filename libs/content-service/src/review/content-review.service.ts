import { assertCan, assertFieldsPermitted, filterPermitted, subjectOf, type Action } from '@kairos/access';
import { KairosError } from '@kairos/contracts';
import { decide, draftContentSchema, evolve, headRevision, type ContentDraftCommand, type ContentDraftEvent, type ContentDraftState } from '@kairos/content';
import type { ContentCaller } from '../content-caller';
import type { ContentServiceOptions, ContentTransition } from '../content-options';
import type { ApproveDraftRequest, EditDraftRequest, QueueQuery, ReviewReasonRequest, SubmitDraftRequest } from '../http/content-draft-requests';
import { approvalAuditRecord, transitionAuditRecord } from './content-audit';
import { ContentDraftStore, type LoadedDraft } from './content-draft-store';
import { draftView, queueItem, type ContentDraftView, type ContentQueueItem } from './content-draft-view';
import { findingsFor, headFindings } from './draft-findings';

/** The fields of a draft CASL conditions read: author, last editor, requester, status (see roles.json). */
export function draftSubject(state: ContentDraftState) {
  const head = headRevision(state);
  return subjectOf('ContentDraft', {
    draftId: state.draftId,
    authorId: state.authorId,
    lastEditorId: head.editorId,
    requesterId: state.requesterId,
    status: state.status,
    campaignId: state.brief?.campaignId ?? null,
    locale: head.content.language,
  });
}

/**
 * The human-in-the-loop workflow: edit, submit, approve, request changes, reject, retire, and the review queue.
 * Every method loads the draft, checks the caller against the instance (CASL conditions such as four eyes need the
 * row, not the type), lets the decider rule, and stores the events with the projection in one transaction.
 */
export class ContentReviewService {
  private readonly store: ContentDraftStore;
  private readonly clock: () => number;

  constructor(private readonly options: ContentServiceOptions) {
    this.store = new ContentDraftStore(options.repository);
    this.clock = options.clock ?? Date.now;
  }

  async get(caller: ContentCaller, draftId: string, diffFrom?: number): Promise<ContentDraftView> {
    const { state, journal } = await this.load(draftId);
    assertCan(caller.ability, 'read', draftSubject(state));
    if (diffFrom !== undefined && !state.revisions.some((revision) => revision.revision === diffFrom)) {
      throw new KairosError('NOT_FOUND', 'no such revision', [{ path: 'diffFrom', rule: 'not_found', message: 'the draft has no such revision' }]);
    }
    return draftView(state, journal, headFindings(state, this.options.policy), this.clock(), diffFrom);
  }

  async queue(caller: ContentCaller, query: QueueQuery): Promise<{ items: ContentQueueItem[]; nextCursor: string | null }> {
    const rows = await this.options.repository.queue({
      ...(query.status ? { statuses: query.status } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.language ? { language: query.language } : {}),
      ...(query.authorId ? { authorId: query.authorId } : {}),
      ...(query.campaignId ? { campaignId: query.campaignId } : {}),
      ...(query.customerId ? { customerId: query.customerId } : {}),
      ...(query.hasBlockingFindings === undefined ? {} : { hasBlockingFindings: query.hasBlockingFindings }),
      ...(query.before ? { before: query.before } : {}),
      limit: query.limit,
    });
    // Rows carry the same condition fields as the instance check, so each one is re-checked (Z6).
    const visible = filterPermitted(caller.ability, 'read', 'ContentDraft', rows);
    const atMs = this.clock();
    const last = rows[rows.length - 1];
    return { items: visible.map((row) => queueItem(row, atMs)), nextCursor: rows.length === query.limit && last ? `${last.updatedAtMs}~${last.draftId}` : null };
  }

  async edit(caller: ContentCaller, draftId: string, request: EditDraftRequest): Promise<ContentDraftView> {
    const { state } = await this.load(draftId);
    const subject = draftSubject(state);
    assertCan(caller.ability, 'update', subject);
    assertFieldsPermitted(caller.ability, 'update', subject, { ...(request.body ? { body: true } : {}), ...(request.locale ? { locale: true } : {}) });
    const head = headRevision(state);
    const parsed = draftContentSchema.safeParse({ language: request.locale ?? head.content.language, variants: request.body ?? head.content.variants });
    if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the edited content is invalid', [{ path: 'body', rule: 'invalid_content', message: parsed.error.issues[0].message }]);
    const findings = findingsFor({ brief: state.brief!, content: parsed.data, aiGenerated: state.aiGenerated, promptCanary: state.promptCanary }, this.options.policy);
    const atMs = this.clock();
    const command: ContentDraftCommand = { type: 'edit', actorId: caller.principal.id, baseRevision: request.baseRevision, content: parsed.data, findings, reason: request.reason ?? null, atMs };
    return this.apply(caller, state, command, 'revised');
  }

  async submit(caller: ContentCaller, draftId: string, request: SubmitDraftRequest): Promise<ContentDraftView> {
    const { state } = await this.load(draftId);
    assertCan(caller.ability, 'update', draftSubject(state));
    const atMs = this.clock();
    return this.apply(caller, state, { type: 'submit', actorId: caller.principal.id, revision: request.revision, findings: headFindings(state, this.options.policy), reason: request.reason ?? null, atMs }, 'submitted');
  }

  async approve(caller: ContentCaller, draftId: string, request: ApproveDraftRequest): Promise<ContentDraftView> {
    const { state } = await this.load(draftId);
    assertCan(caller.ability, 'approve', draftSubject(state));
    const atMs = this.clock();
    const policy = this.options.policy;
    const validUntilMs = request.validUntil === undefined ? atMs + policy.approvalDefaultValidityMs : Date.parse(request.validUntil);
    if (validUntilMs > atMs + policy.approvalMaxValidityMs) {
      throw new KairosError('VALIDATION_FAILED', 'the approval is valid for too long', [{ path: 'validUntil', rule: 'too_big', message: `at most ${policy.document.approval.maxValidityDays} days` }]);
    }
    const events = decide(
      { type: 'approve', actorId: caller.principal.id, actorRole: caller.principal.role, contentHash: request.contentHash, validUntilMs, findings: headFindings(state, policy), reason: request.reason ?? null, atMs },
      state,
    );
    // The audit record is durable before the approval exists; a failed append leaves the draft unapproved.
    const receipt = await this.options.audit.append(approvalAuditRecord(state, { principalId: caller.principal.id, role: caller.principal.role }, atMs, validUntilMs, policy.version, request.reason ?? null));
    const approved = events.map((event) => (event.type === 'approved' ? { ...event, auditRecordId: receipt.id } : event));
    return this.save(state, approved);
  }

  async requestChanges(caller: ContentCaller, draftId: string, request: ReviewReasonRequest): Promise<ContentDraftView> {
    return this.review(caller, draftId, 'reject', { type: 'request_changes', reason: request.reason }, 'changes_requested');
  }

  async reject(caller: ContentCaller, draftId: string, request: ReviewReasonRequest): Promise<ContentDraftView> {
    return this.review(caller, draftId, 'reject', { type: 'reject', reason: request.reason }, 'rejected');
  }

  async retire(caller: ContentCaller, draftId: string, request: ReviewReasonRequest): Promise<ContentDraftView> {
    return this.review(caller, draftId, 'update', { type: 'retire', reason: request.reason }, 'retired');
  }

  private async review(
    caller: ContentCaller,
    draftId: string,
    action: Action,
    command: { type: 'request_changes' | 'reject' | 'retire'; reason: string },
    transition: ContentTransition,
  ): Promise<ContentDraftView> {
    const { state } = await this.load(draftId);
    assertCan(caller.ability, action, draftSubject(state));
    return this.apply(caller, state, { ...command, actorId: caller.principal.id, atMs: this.clock() }, transition);
  }

  private async apply(caller: ContentCaller, state: ContentDraftState, command: ContentDraftCommand, transition: ContentTransition): Promise<ContentDraftView> {
    const events = decide(command, state);
    const kind = transition === 'approved' ? undefined : this.options.auditKinds?.[transition];
    if (kind !== undefined) {
      const preview = events.reduce(evolve, state);
      await this.options.audit.append(transitionAuditRecord(kind, preview, { principalId: caller.principal.id, role: caller.principal.role }, transition, command.atMs, 'reason' in command ? command.reason : null));
    }
    return this.save(state, events);
  }

  private async save(state: ContentDraftState, events: readonly ContentDraftEvent[]): Promise<ContentDraftView> {
    const after = await this.store.save(state, events);
    const { journal } = await this.store.load(after.draftId);
    return draftView(after, journal, headFindings(after, this.options.policy), this.clock());
  }

  private async load(draftId: string): Promise<LoadedDraft> {
    const loaded = await this.store.load(draftId);
    if (!loaded.state.exists) throw new KairosError('NOT_FOUND', 'no such content draft', [{ path: 'draftId', rule: 'not_found', message: 'no content draft with this id' }]);
    return loaded;
  }
}

