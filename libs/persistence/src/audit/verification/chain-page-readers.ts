import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { StoredAuditRecord } from '@kairos/audit';
import { RECORD_COLUMN_LIST, recordOfTuple, type RecordTuple } from '../audit-record-sql';
import type { ChainReadSource } from './chain-verification-protocol';

/** A page of a chain in (sequence, id) order from `fromSequence` inclusive, and how to let the connection go. */
export interface ChainPageReader {
  readPage(chain: number, fromSequence: number, limit: number): Promise<StoredAuditRecord[]>;
  close(): Promise<void>;
}

/**
 * The memory map a verification connection reads the SQLite file through: pages are then read straight from the OS
 * page cache instead of copied by one read() call each, which measured about a third faster on the chain scans.
 */
const SQLITE_MMAP_BYTES = 1 << 30;

export async function openChainPageReader(source: ChainReadSource, recordsTable: string): Promise<ChainPageReader> {
  const sql = (placeholder: (n: number) => string) =>
    `SELECT ${RECORD_COLUMN_LIST} FROM ${recordsTable} WHERE chain = ${placeholder(1)} AND sequence >= ${placeholder(2)} ORDER BY sequence LIMIT ${placeholder(3)}`;
  if (source.dialect === 'sqlite') {
    // Read-only: this connection can never write to the audit log, whatever a bug in here did.
    const db = new Database(source.file, { readonly: true, fileMustExist: true });
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(source.busyTimeoutMs))}`);
    db.pragma(`mmap_size = ${SQLITE_MMAP_BYTES}`);
    const page = db.prepare(sql(() => '?')).raw(true);
    return {
      readPage: async (chain, fromSequence, limit) => (page.all(chain, fromSequence, limit) as RecordTuple[]).map(recordOfTuple),
      close: async () => void db.close(),
    };
  }
  const client = new Client(source.connection);
  await client.connect();
  // Named: parsed and planned once per connection. Rows as arrays: pg then builds no object with named properties.
  const text = sql((n) => `$${n}`);
  return {
    readPage: async (chain, fromSequence, limit) => {
      const result = await client.query<RecordTuple>({ name: 'kairos-audit-chain-page', text, values: [chain, fromSequence, limit], rowMode: 'array' });
      return result.rows.map(recordOfTuple);
    },
    close: () => client.end(),
  };
}
