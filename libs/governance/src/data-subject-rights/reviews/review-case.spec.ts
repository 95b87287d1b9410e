import { KairosError } from '@kairos/contracts';
import type { ReviewCaseRow } from '@kairos/persistence';
import { REVIEW_CASE_STATUSES, ReviewTransition, planTransition } from './review-case';
import { decodeCursor, encodeCursor } from './review-case-requests.schema';

const row = (status: ReviewCaseRow['status'], version = 1): ReviewCaseRow => ({
  id: 'r-1',
  customerId: 'c-1',
  decisionId: 'd-1',
  statement: null,
  status,
  outcome: null,
  openedBy: 'opener',
  openedAtMs: 1,
  reviewerId: null,
  reviewStartedAtMs: null,
  decidedBy: null,
  decidedAtMs: null,
  decisionNote: null,
  version,
});

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (error) {
    return (error as KairosError).code;
  }
};

describe('review case transitions', () => {
  const take: ReviewTransition = { status: 'in_review', version: 1 };
  const decide: ReviewTransition = { status: 'decided', version: 1, outcome: 'upheld' };

  it('allows exactly open → in_review → decided', () => {
    const allowed = REVIEW_CASE_STATUSES.flatMap((from) =>
      [take, decide].filter((t) => codeOf(() => planTransition(row(from), t, 'reviewer', 5)) === null).map((t) => `${from}→${t.status}`),
    );
    expect(allowed).toEqual(['open→in_review', 'in_review→decided']);
    expect(planTransition(row('open'), take, 'reviewer', 5)).toEqual({ status: 'in_review', reviewerId: 'reviewer', reviewStartedAtMs: 5 });
    expect(planTransition(row('in_review'), decide, 'reviewer', 9)).toEqual({ status: 'decided', outcome: 'upheld', decidedBy: 'reviewer', decidedAtMs: 9 });
  });

  it('refuses the opener as decider (403) and a stale version (409)', () => {
    expect(codeOf(() => planTransition(row('in_review'), decide, 'opener', 9))).toBe('FORBIDDEN');
    expect(codeOf(() => planTransition(row('in_review', 2), decide, 'reviewer', 9))).toBe('CONFLICT');
  });

  it('round-trips a cursor and rejects a forged one', () => {
    expect(decodeCursor(encodeCursor({ openedAtMs: 42, id: 'r-9' }))).toEqual({ openedAtMs: 42, id: 'r-9' });
    for (const forged of ['', 'x', Buffer.from('{"t":-1,"id":"a"}').toString('base64url'), Buffer.from('{"t":1,"id":"a b"}').toString('base64url')]) {
      expect(codeOf(() => decodeCursor(forged))).toBe('VALIDATION_FAILED');
    }
  });
});
