import { KairosError } from '@kairos/contracts';
import type { ContentBrief } from '../brief/content-brief.schema';
import type { GeneratorInfo } from '../drafting/content-drafter';
import type { DraftContent } from '../draft/draft-content.schema';
import { hasBlocking, type Finding } from '../guardrails/finding';
import { contentHash } from '../hashing/content-hash';
import type { DraftStatus, DraftStatusAt } from '../vocabulary/content-vocabulary';

/**
 * The review workflow of one content draft as a pure decider (initialState / evolve / decide). Events are the
 * record: who did what to which revision, when and why. Invariants live here, not in controllers:
 * - an edit makes a new revision; approval binds one revision by its content hash;
 * - the approver is never the author, the requester of the review or the last editor (four eyes);
 * - no approval while any blocking finding stands;
 * - the last approved revision stays live until a newer one is approved, the draft is retired or rejected, or the
 *   approval expires.
 */
export interface RevisionRecord {
  readonly revision: number;
  readonly contentHash: string;
  readonly content: DraftContent;
  readonly editorId: string;
  readonly generator: GeneratorInfo;
  readonly findings: readonly Finding[];
  readonly reason: string | null;
  readonly createdAtMs: number;
}

export interface ApprovalRecord {
  readonly revision: number;
  readonly contentHash: string;
  readonly approverId: string;
  readonly approverRole: string;
  readonly approvedAtMs: number;
  readonly validUntilMs: number;
  readonly reason: string | null;
  /** The audit record written before the approval took effect. */
  readonly auditRecordId: string | null;
}

export type ContentDraftEvent =
  | {
      readonly type: 'draft_created';
      readonly draftId: string;
      readonly authorId: string;
      readonly brief: ContentBrief;
      readonly aiGenerated: boolean;
      readonly promptCanary: string | null;
      readonly atMs: number;
    }
  | {
      readonly type: 'revision_added';
      readonly revision: number;
      readonly contentHash: string;
      readonly content: DraftContent;
      readonly editorId: string;
      readonly generator: GeneratorInfo;
      readonly findings: readonly Finding[];
      readonly reason: string | null;
      readonly atMs: number;
    }
  | { readonly type: 'submitted'; readonly revision: number; readonly contentHash: string; readonly requesterId: string; readonly reason: string | null; readonly atMs: number }
  | {
      readonly type: 'approved';
      readonly revision: number;
      readonly contentHash: string;
      readonly approverId: string;
      readonly approverRole: string;
      readonly validUntilMs: number;
      readonly reason: string | null;
      readonly auditRecordId: string | null;
      readonly atMs: number;
    }
  | { readonly type: 'changes_requested'; readonly revision: number; readonly reviewerId: string; readonly reason: string; readonly atMs: number }
  | { readonly type: 'rejected'; readonly revision: number; readonly reviewerId: string; readonly reason: string; readonly atMs: number }
  | { readonly type: 'retired'; readonly actorId: string; readonly reason: string; readonly atMs: number };

export type ContentDraftCommand =
  | {
      readonly type: 'create_draft';
      readonly draftId: string;
      readonly authorId: string;
      readonly brief: ContentBrief;
      readonly content: DraftContent;
      readonly generator: GeneratorInfo;
      readonly aiGenerated: boolean;
      readonly promptCanary: string | null;
      readonly findings: readonly Finding[];
      readonly atMs: number;
    }
  | { readonly type: 'edit'; readonly actorId: string; readonly baseRevision: number; readonly content: DraftContent; readonly findings: readonly Finding[]; readonly reason: string | null; readonly atMs: number }
  | { readonly type: 'submit'; readonly actorId: string; readonly revision: number; readonly findings: readonly Finding[]; readonly reason: string | null; readonly atMs: number }
  | {
      readonly type: 'approve';
      readonly actorId: string;
      readonly actorRole: string;
      readonly contentHash: string;
      readonly validUntilMs: number;
      /** The head revision's findings re-checked under the current policy at the moment of approval. */
      readonly findings: readonly Finding[];
      readonly reason: string | null;
      readonly atMs: number;
    }
  | { readonly type: 'request_changes'; readonly actorId: string; readonly reason: string; readonly atMs: number }
  | { readonly type: 'reject'; readonly actorId: string; readonly reason: string; readonly atMs: number }
  | { readonly type: 'retire'; readonly actorId: string; readonly reason: string; readonly atMs: number };

export interface ContentDraftState {
  readonly exists: boolean;
  readonly draftId: string;
  readonly authorId: string;
  readonly brief: ContentBrief | null;
  readonly aiGenerated: boolean;
  readonly promptCanary: string | null;
  readonly status: DraftStatus;
  readonly revisions: readonly RevisionRecord[];
  /** Who asked for the current review (submitted the head revision); null when no review is open. */
  readonly requesterId: string | null;
  /** The live approval, if any. */
  readonly approval: ApprovalRecord | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** Number of events folded: the expected sequence for the next append (optimistic concurrency). */
  readonly version: number;
}

export function initialState(): ContentDraftState {
  return { exists: false, draftId: '', authorId: '', brief: null, aiGenerated: false, promptCanary: null, status: 'draft', revisions: [], requesterId: null, approval: null, createdAtMs: 0, updatedAtMs: 0, version: 0 };
}

export function headRevision(state: ContentDraftState): RevisionRecord {
  const head = state.revisions[state.revisions.length - 1];
  if (head === undefined) throw new KairosError('INTERNAL', 'a content draft without revisions');
  return head;
}

export function lastEditorId(state: ContentDraftState): string {
  return headRevision(state).editorId;
}

export function evolve(state: ContentDraftState, event: ContentDraftEvent): ContentDraftState {
  const next = { ...state, version: state.version + 1, updatedAtMs: event.atMs };
  switch (event.type) {
    case 'draft_created':
      return { ...next, exists: true, draftId: event.draftId, authorId: event.authorId, brief: event.brief, aiGenerated: event.aiGenerated, promptCanary: event.promptCanary, status: 'draft', createdAtMs: event.atMs };
    case 'revision_added': {
      const revision: RevisionRecord = {
        revision: event.revision,
        contentHash: event.contentHash,
        content: event.content,
        editorId: event.editorId,
        generator: event.generator,
        findings: event.findings,
        reason: event.reason,
        createdAtMs: event.atMs,
      };
      return { ...next, revisions: [...state.revisions, revision], status: 'draft', requesterId: null };
    }
    case 'submitted':
      return { ...next, status: 'in_review', requesterId: event.requesterId };
    case 'approved':
      return {
        ...next,
        status: 'approved',
        approval: {
          revision: event.revision,
          contentHash: event.contentHash,
          approverId: event.approverId,
          approverRole: event.approverRole,
          approvedAtMs: event.atMs,
          validUntilMs: event.validUntilMs,
          reason: event.reason,
          auditRecordId: event.auditRecordId,
        },
      };
    case 'changes_requested':
      return { ...next, status: 'changes_requested', requesterId: null };
    case 'rejected':
      return { ...next, status: 'rejected', requesterId: null };
    case 'retired':
      return { ...next, status: 'retired', requesterId: null };
    default:
      return assertNever(event);
  }
}

export function foldEvents(events: readonly ContentDraftEvent[]): ContentDraftState {
  return events.reduce(evolve, initialState());
}

const refuse = (code: 'CONFLICT' | 'FORBIDDEN' | 'NOT_FOUND' | 'VALIDATION_FAILED', rule: string, path: string, message: string): never => {
  throw new KairosError(code, message, [{ path, rule, message }]);
};

function requireStatus(state: ContentDraftState, action: string, allowed: readonly DraftStatus[]): void {
  if (!allowed.includes(state.status)) refuse('CONFLICT', 'invalid_transition', 'status', `cannot ${action} a draft in status ${state.status}`);
}

export function decide(command: ContentDraftCommand, state: ContentDraftState): ContentDraftEvent[] {
  if (command.type === 'create_draft') {
    if (state.exists) refuse('CONFLICT', 'draft_exists', 'draftId', 'a draft with this id exists');
    const hash = contentHash(command.content);
    return [
      { type: 'draft_created', draftId: command.draftId, authorId: command.authorId, brief: command.brief, aiGenerated: command.aiGenerated, promptCanary: command.promptCanary, atMs: command.atMs },
      { type: 'revision_added', revision: 1, contentHash: hash, content: command.content, editorId: command.authorId, generator: command.generator, findings: command.findings, reason: null, atMs: command.atMs },
    ];
  }
  if (!state.exists) return refuse('NOT_FOUND', 'draft_not_found', 'draftId', 'no such content draft');
  const head = headRevision(state);
  switch (command.type) {
    case 'edit': {
      requireStatus(state, 'edit', ['draft', 'changes_requested', 'in_review', 'approved']);
      if (command.baseRevision !== head.revision) refuse('CONFLICT', 'stale_revision', 'baseRevision', `the draft is at revision ${head.revision}; reload and edit that`);
      const hash = contentHash(command.content);
      if (hash === head.contentHash) refuse('CONFLICT', 'unchanged', 'body', 'the edit changes nothing');
      return [
        {
          type: 'revision_added',
          revision: head.revision + 1,
          contentHash: hash,
          content: command.content,
          editorId: command.actorId,
          generator: { kind: 'human', modelId: 'human-edit', promptVersion: head.generator.promptVersion },
          findings: command.findings,
          reason: command.reason,
          atMs: command.atMs,
        },
      ];
    }
    case 'submit':
      requireStatus(state, 'submit', ['draft', 'changes_requested']);
      if (command.revision !== head.revision) refuse('CONFLICT', 'stale_revision', 'revision', `the draft is at revision ${head.revision}`);
      if (hasBlocking(command.findings)) refuse('CONFLICT', 'blocking_findings', 'findings', 'resolve the blocking findings before asking for review');
      return [{ type: 'submitted', revision: head.revision, contentHash: head.contentHash, requesterId: command.actorId, reason: command.reason, atMs: command.atMs }];
    case 'approve': {
      requireStatus(state, 'approve', ['in_review']);
      if (command.contentHash !== head.contentHash) refuse('CONFLICT', 'hash_mismatch', 'contentHash', 'approval must name the content hash of the revision under review');
      const conflicts = [
        command.actorId === state.authorId ? 'author' : null,
        command.actorId === state.requesterId ? 'requester of the review' : null,
        command.actorId === head.editorId ? 'last editor' : null,
      ].filter((role): role is string => role !== null);
      if (conflicts.length > 0) refuse('FORBIDDEN', 'four_eyes', 'approverId', `four eyes: the approver is the ${conflicts.join(' and ')}`);
      if (hasBlocking(command.findings)) refuse('CONFLICT', 'blocking_findings', 'findings', 'a draft with blocking findings cannot be approved');
      if (command.validUntilMs <= command.atMs) refuse('VALIDATION_FAILED', 'too_small', 'validUntil', 'the approval must be valid after now');
      return [
        {
          type: 'approved',
          revision: head.revision,
          contentHash: head.contentHash,
          approverId: command.actorId,
          approverRole: command.actorRole,
          validUntilMs: command.validUntilMs,
          reason: command.reason,
          auditRecordId: null,
          atMs: command.atMs,
        },
      ];
    }
    case 'request_changes':
    case 'reject': {
      requireStatus(state, command.type === 'reject' ? 'reject' : 'request changes to', ['in_review']);
      if (command.actorId === state.authorId) refuse('FORBIDDEN', 'four_eyes', 'reviewerId', 'four eyes: authors do not review their own drafts');
      const base = { revision: head.revision, reviewerId: command.actorId, reason: command.reason, atMs: command.atMs };
      return [command.type === 'reject' ? { type: 'rejected', ...base } : { type: 'changes_requested', ...base }];
    }
    case 'retire':
      if (state.approval === null || state.status === 'retired' || state.status === 'rejected') refuse('CONFLICT', 'invalid_transition', 'status', 'only approved content can be retired');
      return [{ type: 'retired', actorId: command.actorId, reason: command.reason, atMs: command.atMs }];
    default:
      return assertNever(command);
  }
}

/** The status as of an instant: an approved draft whose approval has run out reads as `expired`. */
export function statusAt(state: ContentDraftState, atMs: number): DraftStatusAt {
  if (state.status === 'approved' && state.approval !== null && state.approval.validUntilMs <= atMs) return 'expired';
  return state.status;
}

function assertNever(value: never): never {
  throw new KairosError('INTERNAL', `unhandled content draft message ${(value as { type?: string }).type}`);
}
