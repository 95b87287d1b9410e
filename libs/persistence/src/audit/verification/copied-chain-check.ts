import { ChainCheck, type ChainOutcome, type ChainProofs, type StoredAuditRecord } from '@kairos/audit';
import { RECORD_COLUMN_LIST } from '../audit-record-sql';
import type { BinaryCopyRow } from './binary-copy-rows';

const COLUMNS = RECORD_COLUMN_LIST.split(', ');
/** Integer columns, sent as bigint whatever their type: the one binary integer format recordOfCopyRow reads. */
const INTEGER_COLUMNS = new Set(['chain', 'sequence', 'occurred_at_ms', 'recorded_at_ms']);
const COPY_COLUMN_LIST = COLUMNS.map((column) => (INTEGER_COLUMNS.has(column) ? `${column}::int8` : column)).join(', ');
const BODY_FIELD = COLUMNS.indexOf('body');

/** Fields in every row of chainCopySql. */
export const CHAIN_COPY_FIELDS = COLUMNS.length;

/**
 * One chain's records in (sequence) order as a binary COPY, fields in RECORD_COLUMN_LIST order. COPY takes no
 * parameters: the chain number is written into the statement, so it must be an integer.
 */
export function chainCopySql(recordsTable: string, chain: number): string {
  if (!Number.isSafeInteger(chain)) throw new Error(`not a chain number: ${chain}`);
  return `COPY (SELECT ${COPY_COLUMN_LIST} FROM ${recordsTable} WHERE chain = ${chain} ORDER BY sequence) TO STDOUT (FORMAT binary)`;
}

/** ChainCheck fed the rows of chainCopySql as they arrive; each body is hashed from the bytes the server sent. */
export class CopiedChainCheck {
  private readonly check: ChainCheck;
  /** After a break the rest of the chain still arrives and is dropped unchecked: the outcome names the first break. */
  private intact = true;

  constructor(chain: number, proofs: ChainProofs | undefined) {
    this.check = new ChainCheck(chain, proofs);
  }

  readonly onRow = (row: BinaryCopyRow): void => {
    if (this.intact) this.intact = this.check.checkNext(recordOfCopyRow(row), row.raw(BODY_FIELD));
  };

  finish(): ChainOutcome {
    return this.check.finish();
  }
}

/**
 * A record from a row of chainCopySql, the counterpart of recordOfTuple, with its text as byte strings (see
 * BinaryCopyRow.byteText) for ChainCheck to compare: the stored bytes themselves, which for the UTF-8 a PostgreSQL
 * database holds is the same as comparing the decoded strings — the column check searches only ASCII patterns, and
 * JSON escapes only ASCII characters — at one decoding call per row instead of seven. The body is hashed from its
 * bytes. Such a record is for the check only: its text is not readable as strings.
 */
function recordOfCopyRow(row: BinaryCopyRow): StoredAuditRecord {
  return {
    id: row.byteText(0),
    chain: row.int8(1),
    sequence: row.int8(2),
    prevHash: row.byteText(3),
    hash: row.byteText(4),
    kind: row.byteText(5),
    subject: row.nullableByteText(6),
    decisionId: row.nullableByteText(7),
    occurredAtMs: row.int8(8),
    recordedAtMs: row.int8(9),
    body: row.byteText(BODY_FIELD),
  };
}
