import { createHash } from 'node:crypto';
import type { ChainHead, StoredAuditRecord } from '@kairos/audit';
import { RECORD_COLUMN_LIST } from './audit-record-sql';
import type { PgStatement } from './serial-pg-connection';

/**
 * The INSERT of an audit batch on PostgreSQL: one column array per parameter, unnested into rows server-side, so the
 * statement text is the same for every batch size. It is prepared once per connection (parsed and planned once, where
 * a VALUES list with a parameter per value was parsed and planned again for every batch) and has 14 parameters
 * however many rows it carries (no 65,535-parameter limit, no chunking).
 *
 * The bodies travel as one text, joined by BODY_SEPARATOR and split server-side: pg would otherwise escape every body
 * into an array literal (quoting each of the many quotes in the JSON), which cost the event loop more per record than
 * everything else in the INSERT together.
 *
 * It inserts the rows only if every guard row — (chain, sequence, hash) — is a committed record, in one statement and
 * so in one implicit transaction: a batch placed after cached heads lands only after its committed predecessors (no
 * gap), and the unique (chain, sequence) index refuses a second batch after the same head (no fork). With no guard
 * rows it inserts unconditionally (the caller holds the chain locks).
 */
export function guardedInsertSql(recordsTable: string): string {
  return `INSERT INTO ${recordsTable} (${RECORD_COLUMN_LIST})
    SELECT * FROM unnest($1::varchar[], $2::integer[], $3::bigint[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::varchar[], $9::bigint[], $10::bigint[], string_to_array($11::text, E'\\x1e'))
    WHERE (SELECT count(*) FROM ${recordsTable} WHERE (chain, sequence, hash) IN (SELECT * FROM unnest($12::integer[], $13::bigint[], $14::varchar[]))) = cardinality($12::integer[])`;
}

/**
 * U+001E (record separator) between the bodies. Canonical JSON escapes every control character, so it never occurs in
 * a body; should a body carry one anyway, the split would yield more bodies than ids and the row without an id would
 * fail the whole statement — it is refused here first.
 */
const BODY_SEPARATOR = '\x1e';

/** A prepared statement's name for `text`: the same text gets the same name on every connection, another text another. */
export function preparedStatementName(purpose: string, text: string): string {
  return `kairos-${purpose}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/** The statement writing `records` only after `guards` (heads with sequence 0, the genesis, need no guard). */
export function guardedInsert(statement: { readonly text: string; readonly name: string }, guards: readonly ChainHead[], records: readonly StoredAuditRecord[]): PgStatement {
  const n = records.length;
  const columns: unknown[][] = Array.from({ length: 10 }, () => new Array<unknown>(n));
  const bodies = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    columns[0][i] = r.id;
    columns[1][i] = r.chain;
    columns[2][i] = r.sequence;
    columns[3][i] = r.prevHash;
    columns[4][i] = r.hash;
    columns[5][i] = r.kind;
    columns[6][i] = r.subject;
    columns[7][i] = r.decisionId;
    columns[8][i] = r.occurredAtMs;
    columns[9][i] = r.recordedAtMs;
    if (r.body.includes(BODY_SEPARATOR)) throw new Error(`audit record ${r.id}: the body is not canonical JSON (raw control character)`);
    bodies[i] = r.body;
  }
  const committed = guards.filter((head) => head.sequence > 0);
  return {
    name: statement.name,
    text: statement.text,
    values: [
      ...columns,
      bodies.join(BODY_SEPARATOR),
      committed.map((head) => head.chain),
      committed.map((head) => head.sequence),
      committed.map((head) => head.hash),
    ],
  };
}
