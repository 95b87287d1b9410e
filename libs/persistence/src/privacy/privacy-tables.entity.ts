import { EntitySchema } from 'typeorm';
import { Dialect, columnTypes, int64Column } from '../dialect';

/** A data key wrapped by the key-encryption key (which is never stored in the database). */
export interface CustomerKeyRow {
  subject: string;
  wrappedKey: Buffer;
  kekId: string;
  createdAtMs: number;
}

/** Proof and progress of an erasure. Ids, times and step counts only: never personal data. */
export interface ErasureTombstoneRow {
  customerId: string;
  requestId: string;
  erasedAtMs: number;
  completedAtMs: number | null;
  /** The erasure receipt as JSON (steps done so far), returned verbatim to a repeated request. */
  receipt: string | null;
}

/** Tables of the privacy area, per dialect. */
export function privacyEntities(dialect: Dialect): EntitySchema[] {
  const types = columnTypes(dialect);
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<CustomerKeyRow>({
      name: 'CustomerKey',
      tableName: 'customer_keys',
      columns: {
        // A customer id, or a parking subject (`~parked:<kind>:<value>`, up to 9 + 32 + 128 characters).
        subject: { type: 'varchar', length: 200, primary: true },
        wrappedKey: { name: 'wrapped_key', type: types.binary },
        kekId: { name: 'kek_id', type: 'varchar', length: 16 },
        createdAtMs: { name: 'created_at_ms', ...int64 },
      },
    }) as EntitySchema,
    new EntitySchema<ErasureTombstoneRow>({
      name: 'ErasureTombstone',
      tableName: 'erasure_tombstones',
      columns: {
        customerId: { name: 'customer_id', type: 'varchar', length: 128, primary: true },
        requestId: { name: 'request_id', type: 'varchar', length: 128 },
        erasedAtMs: { name: 'erased_at_ms', ...int64 },
        completedAtMs: { name: 'completed_at_ms', ...int64, nullable: true },
        receipt: { type: types.text, nullable: true },
      },
    }) as EntitySchema,
  ];
}
