import type { AuditActor, AuditRecordDraft, AuditRecordKind } from '@kairos/audit';
import { contentVersionOf, headRevision, type ContentDraftState } from '@kairos/content';

export interface ContentActor {
  readonly principalId: string;
  readonly role: string;
}

const actorOf = (actor: ContentActor): AuditActor => ({ type: 'principal', principalId: actor.principalId, role: actor.role });

/**
 * The provenance an approval is audited with (L5): which model and prompt version drafted it, the exact hash
 * approved, who authored, asked for review, last edited and approved it, and when. Written before the approval
 * takes effect, so no approved content exists without its record.
 */
export function approvalAuditRecord(state: ContentDraftState, actor: ContentActor, atMs: number, validUntilMs: number, policyVersion: string, reason: string | null): AuditRecordDraft {
  const head = headRevision(state);
  const drafted = state.revisions[0].generator;
  const submitted = state.requesterId;
  return {
    kind: 'content_approved',
    actor: actorOf(actor),
    ...(state.brief?.personalization ? { subject: state.brief.personalization.customerId } : {}),
    logic: { contentVersion: contentVersionOf(state.draftId, head.revision, head.contentHash) },
    output: {
      draftId: state.draftId,
      revision: head.revision,
      contentHash: head.contentHash,
      drafter: drafted.kind,
      modelId: drafted.modelId,
      promptVersion: drafted.promptVersion,
      ...(drafted.fallbackReason ? { fallbackReason: drafted.fallbackReason } : {}),
      aiGenerated: state.aiGenerated,
      authorId: state.authorId,
      requesterId: submitted,
      lastEditorId: head.editorId,
      approverId: actor.principalId,
      draftedAtMs: state.createdAtMs,
      revisedAtMs: head.createdAtMs,
      approvedAtMs: atMs,
      validUntilMs,
      language: head.content.language,
      channels: state.brief?.channels ?? [],
      policyVersion,
      reason,
    },
    reasons: ['four_eyes_checked', 'no_blocking_findings'],
    occurredAtMs: atMs,
  };
}

/** Any other transition, for trails that have a kind for it. */
export function transitionAuditRecord(kind: AuditRecordKind, state: ContentDraftState, actor: ContentActor, transition: string, atMs: number, reason: string | null): AuditRecordDraft {
  const head = headRevision(state);
  return {
    kind,
    actor: actorOf(actor),
    ...(state.brief?.personalization ? { subject: state.brief.personalization.customerId } : {}),
    logic: { contentVersion: contentVersionOf(state.draftId, head.revision, head.contentHash) },
    output: { draftId: state.draftId, transition, revision: head.revision, contentHash: head.contentHash, status: state.status, reason },
    reasons: [transition],
    occurredAtMs: atMs,
  };
}
