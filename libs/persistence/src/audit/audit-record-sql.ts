import type { AuditQuery, AuditQueryPosition, StoredAuditRecord } from '@kairos/audit';
import type { Dialect } from '../dialect';

/** `schema.table` → `"schema"."table"` (names come from our own metadata, never from input). */
export function quotedTable(tablePath: string): string {
  return tablePath
    .split('.')
    .map((part) => `"${part.replace(/"/g, '')}"`)
    .join('.');
}

/**
 * Columns under the names of StoredAuditRecord. PostgreSQL returns bigint as text: cast to float8 (exact for every
 * integer below 2^53) so rows arrive as numbers without a mapping pass on the verifier's hot path.
 */
export function recordColumns(dialect: Dialect): string {
  const number = (column: string) => (dialect === 'postgres' ? `${column}::float8` : column);
  return [
    'id',
    'chain',
    `${number('sequence')} AS "sequence"`,
    'prev_hash AS "prevHash"',
    'hash',
    'kind',
    'subject',
    'decision_id AS "decisionId"',
    `${number('occurred_at_ms')} AS "occurredAtMs"`,
    `${number('recorded_at_ms')} AS "recordedAtMs"`,
    'body',
  ].join(', ');
}

export const checkpointColumns = (dialect: Dialect) =>
  dialect === 'postgres'
    ? 'number::float8 AS "number", issued_at_ms::float8 AS "issuedAtMs", key_id AS "keyId", root, line'
    : 'number, issued_at_ms AS "issuedAtMs", key_id AS "keyId", root, line';

/** The filtered, cursor-paginated query in (occurred_at_ms, id) order, with the dialect's placeholders. */
export function auditQuerySql(dialect: Dialect, table: string, filter: AuditQuery, after: AuditQueryPosition | undefined, limit: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return dialect === 'postgres' ? `$${params.length}` : '?';
  };
  const conditions: string[] = [];
  if (filter.subject !== undefined) conditions.push(`subject = ${bind(filter.subject)}`);
  if (filter.kind !== undefined) conditions.push(`kind = ${bind(filter.kind)}`);
  if (filter.decisionId !== undefined) conditions.push(`decision_id = ${bind(filter.decisionId)}`);
  if (filter.fromMs !== undefined) conditions.push(`occurred_at_ms >= ${bind(filter.fromMs)}`);
  if (filter.toMs !== undefined) conditions.push(`occurred_at_ms < ${bind(filter.toMs)}`);
  if (after !== undefined) {
    conditions.push(`(occurred_at_ms > ${bind(after.occurredAtMs)} OR (occurred_at_ms = ${bind(after.occurredAtMs)} AND id > ${bind(after.id)}))`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return { sql: `SELECT ${recordColumns(dialect)} FROM ${table} ${where} ORDER BY occurred_at_ms, id LIMIT ${bind(limit)}`, params };
}

/**
 * Every chain that has records, found by skipping along the (chain, sequence) index instead of scanning the table,
 * with the head of each.
 */
export function allHeadsSql(dialect: Dialect, table: string): string {
  const sequence = dialect === 'postgres' ? 'r.sequence::float8' : 'r.sequence';
  return `WITH RECURSIVE chains(chain) AS (
      SELECT min(chain) FROM ${table}
      UNION ALL
      SELECT (SELECT min(chain) FROM ${table} WHERE chain > chains.chain) FROM chains WHERE chains.chain IS NOT NULL
    )
    SELECT c.chain AS "chain", ${sequence} AS "sequence", r.hash AS "hash"
    FROM chains c JOIN ${table} r ON r.chain = c.chain
    WHERE r.sequence = (SELECT max(sequence) FROM ${table} WHERE chain = c.chain)
    ORDER BY c.chain`;
}

/** The record columns in the order of RecordTuple and of every INSERT. */
export const RECORD_COLUMN_LIST = 'id, chain, sequence, prev_hash, hash, kind, subject, decision_id, occurred_at_ms, recorded_at_ms, body';

/** One record's INSERT with positional `?` parameters (SQLite), values in RECORD_COLUMN_LIST order. */
export const insertRecordSql = (table: string) => `INSERT INTO ${table} (${RECORD_COLUMN_LIST}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The newest record of one chain (SQLite parameters). */
export const chainHeadSql = (table: string) => `SELECT sequence, hash FROM ${table} WHERE chain = ? ORDER BY sequence DESC LIMIT 1`;

/** A checkpoint's INSERT with positional `?` parameters (SQLite). */
export const insertCheckpointSql = (table: string) => `INSERT INTO ${table} (number, issued_at_ms, key_id, root, line) VALUES (?, ?, ?, ?, ?)`;

/** A record row as an array, in the column order of the verifier's page queries (PostgreSQL sends bigint as text). */
export type RecordTuple = [string, number, number | string, string, string, string, string | null, string | null, number | string, number | string, string];

export function recordOfTuple(row: RecordTuple): StoredAuditRecord {
  return {
    id: row[0],
    chain: row[1],
    sequence: Number(row[2]),
    prevHash: row[3],
    hash: row[4],
    kind: row[5],
    subject: row[6],
    decisionId: row[7],
    occurredAtMs: Number(row[8]),
    recordedAtMs: Number(row[9]),
    body: row[10],
  };
}
