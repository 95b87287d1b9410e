import type { StoredAuditRecord } from '@kairos/audit';

/** What a server sends for chainCopySql, written here for records in memory: tests feed the reader chains with chosen bytes. */

/** The stream's start: signature, no flags, no header extension. */
export const CHAIN_COPY_HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);

/** The stream's end: a field count of -1. */
export const CHAIN_COPY_TRAILER = Buffer.from([0xff, 0xff]);

/** One record's row, fields in RECORD_COLUMN_LIST order, integers as bigint (as chainCopySql asks for them). */
export function chainCopyRow(record: StoredAuditRecord): Buffer {
  const r = record;
  const fields = [r.id, r.chain, r.sequence, r.prevHash, r.hash, r.kind, r.subject, r.decisionId, r.occurredAtMs, r.recordedAtMs, r.body];
  const parts: Buffer[] = [Buffer.from([0, fields.length])];
  for (const value of fields) {
    const length = Buffer.alloc(4);
    if (value === null) {
      length.writeInt32BE(-1);
      parts.push(length);
    } else if (typeof value === 'number') {
      const bigint = Buffer.alloc(8);
      bigint.writeBigInt64BE(BigInt(value));
      length.writeInt32BE(8);
      parts.push(length, bigint);
    } else {
      const text = Buffer.from(value);
      length.writeInt32BE(text.length);
      parts.push(length, text);
    }
  }
  return Buffer.concat(parts);
}
