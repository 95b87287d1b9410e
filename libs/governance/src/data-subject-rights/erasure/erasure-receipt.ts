/**
 * The steps of an Art. 17 erasure, in the order they run. Each is idempotent, so a retry after a crash resumes
 * at the first step not recorded as done and finishes the erasure.
 */
export const ERASURE_STEPS = [
  // The customer's data key is destroyed and the tombstone written, in one transaction: from here on every sealed
  // copy of their personal data (log, Kafka topic, backups) is unreadable and nothing new can be sealed for them.
  'key_destroyed',
  // `customer_erased` on the customer's partition: the worker forgets the profile in order with everything else.
  'erasure_event_appended',
  'parked_events_deleted',
  'identity_links_deleted',
  'event_index_deleted',
  // Every other store registered as a CustomerDataEraser (review cases, consent records, ...).
  'other_stores_erased',
  // The partition owner wrote a snapshot after the erasure event and deleted the older ones.
  'snapshots_rewritten',
  'audit_recorded',
] as const;
export type ErasureStepName = (typeof ERASURE_STEPS)[number];

export interface ErasureStep {
  readonly step: ErasureStepName;
  readonly status: 'done' | 'pending';
  /** Rows deleted by this step (deletion steps). */
  readonly count?: number;
  /** Where the erasure event sits in the log (erasure_event_appended). */
  readonly partition?: number;
  readonly offset?: number;
  /** Rows deleted per store (other_stores_erased). */
  readonly stores?: readonly { readonly store: string; readonly count: number }[];
  /** The `dsr_executed` audit record (audit_recorded). */
  readonly auditRecordId?: string;
}

/**
 * The answer to an erasure request: ids, times and counts — never personal data. A repeated request for the same
 * customer gets the same receipt (same requestId and erasedAt).
 */
export interface ErasureReceipt {
  readonly requestId: string;
  readonly customerId: string;
  readonly erasedAt: string;
  /** `in_progress`: a step is still pending (the partition owner has not rewritten its snapshots yet); repeat the request. */
  readonly status: 'completed' | 'in_progress';
  readonly completedAt?: string;
  readonly steps: readonly ErasureStep[];
}

export const erasureReceiptJsonSchema = {
  type: 'object',
  required: ['requestId', 'customerId', 'erasedAt', 'status', 'steps'],
  properties: {
    requestId: { type: 'string' },
    customerId: { type: 'string' },
    erasedAt: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: ['completed', 'in_progress'] },
    completedAt: { type: 'string', format: 'date-time' },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['step', 'status'],
        properties: {
          step: { type: 'string', enum: [...ERASURE_STEPS] },
          status: { type: 'string', enum: ['done', 'pending'] },
          count: { type: 'integer' },
          partition: { type: 'integer' },
          offset: { type: 'integer' },
          stores: { type: 'array', items: { type: 'object', properties: { store: { type: 'string' }, count: { type: 'integer' } } } },
          auditRecordId: { type: 'string' },
        },
      },
    },
  },
} as Record<string, unknown>;
