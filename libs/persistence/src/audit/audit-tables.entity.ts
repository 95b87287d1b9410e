import { EntitySchema } from 'typeorm';
import { Dialect, columnTypes, int64Column } from '../dialect';

/**
 * One audit record: the canonical body exactly as hashed, plus copies of the fields queries filter and order by.
 * The copies are checked against the body on verification, so editing them shows.
 */
export interface AuditRecordRow {
  id: string;
  chain: number;
  sequence: number;
  prevHash: string;
  hash: string;
  kind: string;
  subject: string | null;
  decisionId: string | null;
  occurredAtMs: number;
  recordedAtMs: number;
  body: string;
}

/** The database copy of a signed checkpoint (the evidence is the external file). */
export interface AuditCheckpointRow {
  number: number;
  issuedAtMs: number;
  keyId: string;
  root: string;
  line: string;
}

/** Tables of the audit area, per dialect. Both are append-only: triggers refuse UPDATE and DELETE (see migrations). */
export function auditEntities(dialect: Dialect): EntitySchema[] {
  const types = columnTypes(dialect);
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<AuditRecordRow>({
      name: 'AuditRecord',
      tableName: 'audit_records',
      columns: {
        id: { type: 'varchar', length: 64, primary: true },
        chain: { type: 'integer' },
        sequence: { ...int64 },
        prevHash: { name: 'prev_hash', type: 'varchar', length: 64 },
        hash: { type: 'varchar', length: 64 },
        kind: { type: 'varchar', length: 32 },
        subject: { type: 'varchar', length: 128, nullable: true },
        decisionId: { name: 'decision_id', type: 'varchar', length: 128, nullable: true },
        occurredAtMs: { name: 'occurred_at_ms', ...int64 },
        recordedAtMs: { name: 'recorded_at_ms', ...int64 },
        body: { type: types.text },
      },
      indices: [
        // One record per place in a chain: the database refuses a fork even from a writer that skipped the lock.
        { name: 'audit_records_chain_sequence', columns: ['chain', 'sequence'], unique: true },
        { name: 'audit_records_occurred', columns: ['occurredAtMs', 'id'] },
        { name: 'audit_records_subject', columns: ['subject', 'occurredAtMs'] },
        { name: 'audit_records_kind', columns: ['kind', 'occurredAtMs'] },
        { name: 'audit_records_decision', columns: ['decisionId'] },
      ],
    }),
    new EntitySchema<AuditCheckpointRow>({
      name: 'AuditCheckpoint',
      tableName: 'audit_checkpoints',
      columns: {
        number: { primary: true, ...int64 },
        issuedAtMs: { name: 'issued_at_ms', ...int64 },
        keyId: { name: 'key_id', type: 'varchar', length: 32 },
        root: { type: 'varchar', length: 64 },
        line: { type: types.text },
      },
    }),
  ];
}
