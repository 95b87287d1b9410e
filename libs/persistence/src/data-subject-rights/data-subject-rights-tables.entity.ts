import { EntitySchema } from 'typeorm';
import { Dialect, columnTypes, int64Column } from '../dialect';

export type ReviewCaseStatusValue = 'open' | 'in_review' | 'decided';

/**
 * An Art. 22(3) GDPR request for human review of an automated decision. `statement` (the person's point of view)
 * and `decisionNote` (the reviewer's reasons) are personal data: the service stores them sealed with the person's
 * key, so crypto-shredding the key erases them here too.
 */
export interface ReviewCaseRow {
  id: string;
  customerId: string;
  decisionId: string;
  statement: string | null;
  status: ReviewCaseStatusValue;
  outcome: string | null;
  openedBy: string;
  openedAtMs: number;
  reviewerId: string | null;
  reviewStartedAtMs: number | null;
  decidedBy: string | null;
  decidedAtMs: number | null;
  decisionNote: string | null;
  /** Optimistic concurrency: every change names the version it read. */
  version: number;
}

/** Tables of the data-subject-rights area (review cases), per dialect. */
export function dataSubjectRightsEntities(dialect: Dialect): EntitySchema[] {
  const types = columnTypes(dialect);
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<ReviewCaseRow>({
      name: 'ReviewCase',
      tableName: 'review_cases',
      columns: {
        id: { type: 'varchar', length: 64, primary: true },
        customerId: { name: 'customer_id', type: 'varchar', length: 128 },
        decisionId: { name: 'decision_id', type: 'varchar', length: 128 },
        statement: { type: types.text, nullable: true },
        status: { type: 'varchar', length: 16 },
        outcome: { type: 'varchar', length: 32, nullable: true },
        openedBy: { name: 'opened_by', type: 'varchar', length: 128 },
        openedAtMs: { name: 'opened_at_ms', ...int64 },
        reviewerId: { name: 'reviewer_id', type: 'varchar', length: 128, nullable: true },
        reviewStartedAtMs: { name: 'review_started_at_ms', ...int64, nullable: true },
        decidedBy: { name: 'decided_by', type: 'varchar', length: 128, nullable: true },
        decidedAtMs: { name: 'decided_at_ms', ...int64, nullable: true },
        decisionNote: { name: 'decision_note', type: types.text, nullable: true },
        version: { type: 'integer' },
      },
      indices: [
        { name: 'review_cases_customer', columns: ['customerId', 'decisionId'] },
        { name: 'review_cases_queue', columns: ['status', 'openedAtMs', 'id'] },
        { name: 'review_cases_decided', columns: ['decidedAtMs'] },
      ],
    }),
  ];
}
