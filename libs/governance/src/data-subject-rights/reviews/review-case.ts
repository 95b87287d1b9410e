import { KairosError } from '@kairos/contracts';
import type { ReviewCaseChange, ReviewCaseRow } from '@kairos/persistence';

export const REVIEW_CASE_STATUSES = ['open', 'in_review', 'decided'] as const;
export type ReviewCaseStatus = (typeof REVIEW_CASE_STATUSES)[number];

/** upheld: the automated decision stands; overturned: the reviewer replaced it (the change itself is the caller's). */
export const REVIEW_OUTCOMES = ['upheld', 'overturned'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export type ReviewTransition =
  | { readonly status: 'in_review'; readonly version: number }
  | { readonly status: 'decided'; readonly version: number; readonly outcome: ReviewOutcome; readonly note?: string };

/** A case as the queue lists it: no free text (the person's statement and the reviewer's note are read one by one). */
export interface ReviewCaseSummary {
  readonly id: string;
  readonly customerId: string;
  readonly decisionId: string;
  readonly status: ReviewCaseStatus;
  readonly outcome: ReviewOutcome | null;
  readonly openedBy: string;
  readonly openedAt: string;
  readonly reviewerId: string | null;
  readonly reviewStartedAt: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly hasStatement: boolean;
  readonly version: number;
}

export interface ReviewCaseDetail extends ReviewCaseSummary {
  readonly statement: string | null;
  readonly decisionNote: string | null;
  /** The person was erased: their statement and the note can no longer be opened. */
  readonly personalDataErased: boolean;
}

/**
 * The case's life: open → in_review (a reviewer takes it) → decided (with an outcome). A reviewer never decides a
 * case they opened themselves (four eyes), and every change names the version it was based on.
 */
export function planTransition(row: ReviewCaseRow, transition: ReviewTransition, actorId: string, nowMs: number): ReviewCaseChange {
  if (transition.version !== row.version) {
    throw new KairosError('CONFLICT', `the case changed since version ${transition.version}; read it again`, [
      { path: 'version', rule: 'stale_version', message: `the case is at version ${row.version}` },
    ]);
  }
  if (row.status === 'open' && transition.status === 'in_review') {
    return { status: 'in_review', reviewerId: actorId, reviewStartedAtMs: nowMs };
  }
  if (row.status === 'in_review' && transition.status === 'decided') {
    if (row.openedBy === actorId) throw new KairosError('FORBIDDEN', 'a reviewer cannot decide a case they opened (four eyes)');
    return { status: 'decided', outcome: transition.outcome, decidedBy: actorId, decidedAtMs: nowMs };
  }
  throw new KairosError('CONFLICT', `a case that is ${row.status} cannot become ${transition.status}`, [
    { path: 'status', rule: 'invalid_transition', message: `allowed from ${row.status}: ${row.status === 'open' ? 'in_review' : row.status === 'in_review' ? 'decided' : 'nothing'}` },
  ]);
}

export function summaryOf(row: ReviewCaseRow): ReviewCaseSummary {
  return {
    id: row.id,
    customerId: row.customerId,
    decisionId: row.decisionId,
    status: row.status,
    outcome: row.outcome as ReviewOutcome | null,
    openedBy: row.openedBy,
    openedAt: iso(row.openedAtMs)!,
    reviewerId: row.reviewerId,
    reviewStartedAt: iso(row.reviewStartedAtMs),
    decidedBy: row.decidedBy,
    decidedAt: iso(row.decidedAtMs),
    hasStatement: row.statement !== null,
    version: row.version,
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
