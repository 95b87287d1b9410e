import type { DraftContent } from '../draft/draft-content.schema';
import { contentHash } from '../hashing/content-hash';
import type { ContentDraftState } from './review-decider';

/** What decisions and campaigns may use: one approved, unexpired revision, identified by its hash. */
export interface ServableRevision {
  readonly draftId: string;
  readonly revision: number;
  readonly contentHash: string;
  readonly content: DraftContent;
  readonly approverId: string;
  readonly approvedAtMs: number;
  readonly validUntilMs: number;
  /** What a decision's audit record names as `logic.contentVersion`. */
  readonly contentVersion: string;
}

export function contentVersionOf(draftId: string, revision: number, hash: string): string {
  return `${draftId}@${revision}#${hash}`;
}

/**
 * The revision of a draft that may reach a customer at `atMs`, or null. Only a live approval counts: not retired,
 * not rejected, not before its approval instant, not at or after its expiry; and the stored text must still hash
 * to the approved hash, so a corrupted or altered row is never served.
 */
export function servableRevision(state: ContentDraftState, atMs: number): ServableRevision | null {
  const approval = state.approval;
  if (!state.exists || approval === null || state.status === 'retired' || state.status === 'rejected') return null;
  if (atMs < approval.approvedAtMs || atMs >= approval.validUntilMs) return null;
  const revision = state.revisions.find((candidate) => candidate.revision === approval.revision);
  if (revision === undefined || contentHash(revision.content) !== approval.contentHash) return null;
  return {
    draftId: state.draftId,
    revision: revision.revision,
    contentHash: approval.contentHash,
    content: revision.content,
    approverId: approval.approverId,
    approvedAtMs: approval.approvedAtMs,
    validUntilMs: approval.validUntilMs,
    contentVersion: contentVersionOf(state.draftId, revision.revision, approval.contentHash),
  };
}
