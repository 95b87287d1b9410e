import { EntitySchema } from 'typeorm';
import { Dialect, int64Column } from '../dialect';

/**
 * One entry of the consent ledger: a consent change or an Art. 21 objection, as the governance API accepted it.
 * Written before its event is appended to the log (an outbox): `logOffset` and `publishedAtMs` are set once the
 * event is durable in the customer's partition, `auditedAtMs` once the audit record is; rows missing either are
 * finished at start-up. Consent fields are null for objections, `scope` is null for consent changes.
 */
export interface ConsentLedgerRow {
  entryId: string;
  kind: 'consent' | 'objection';
  customerId: string;
  eventId: string;
  purpose: string | null;
  channel: string | null;
  status: string | null;
  method: string | null;
  scope: string | null;
  /** When the consent was captured, or the objection received (epoch ms). */
  capturedAtMs: number;
  noticeId: string | null;
  noticeVersion: string | null;
  evidenceRef: string | null;
  recordedAtMs: number;
  /** Pseudonymous id of the principal who recorded it, and their role (the actor of the audit record). */
  recordedBy: string;
  recordedByRole: string;
  logPartition: number | null;
  logOffset: number | null;
  publishedAtMs: number | null;
  auditedAtMs: number | null;
}

/** Tables of the consent area, per dialect. */
export function consentEntities(dialect: Dialect): EntitySchema[] {
  const int64 = int64Column(dialect);
  const optional = (name: string, length: number) => ({ name, type: 'varchar', length, nullable: true }) as const;
  return [
    new EntitySchema<ConsentLedgerRow>({
      name: 'ConsentLedgerEntry',
      tableName: 'consent_ledger',
      columns: {
        entryId: { name: 'entry_id', type: 'varchar', length: 128, primary: true },
        kind: { type: 'varchar', length: 16 },
        customerId: { name: 'customer_id', type: 'varchar', length: 128 },
        eventId: { name: 'event_id', type: 'varchar', length: 128 },
        purpose: optional('purpose', 32),
        channel: optional('channel', 32),
        status: optional('status', 16),
        method: optional('method', 32),
        scope: optional('scope', 32),
        capturedAtMs: { name: 'captured_at_ms', ...int64 },
        noticeId: optional('notice_id', 128),
        noticeVersion: optional('notice_version', 16),
        evidenceRef: optional('evidence_ref', 128),
        recordedAtMs: { name: 'recorded_at_ms', ...int64 },
        recordedBy: { name: 'recorded_by', type: 'varchar', length: 128 },
        recordedByRole: { name: 'recorded_by_role', type: 'varchar', length: 32 },
        logPartition: { name: 'log_partition', type: 'integer', nullable: true },
        logOffset: { name: 'log_offset', ...int64, nullable: true },
        publishedAtMs: { name: 'published_at_ms', ...int64, nullable: true },
        auditedAtMs: { name: 'audited_at_ms', ...int64, nullable: true },
      },
      indices: [
        { name: 'consent_ledger_customer', columns: ['customerId', 'logOffset'] },
        // One objection per customer and scope: a repeated objection finds the first (consent rows have no scope).
        { name: 'consent_ledger_objection', columns: ['customerId', 'scope'], unique: true },
        { name: 'consent_ledger_unpublished', columns: ['publishedAtMs'] },
        { name: 'consent_ledger_unaudited', columns: ['auditedAtMs'] },
      ],
    }),
  ];
}
