import type { ClientConfig } from 'pg';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { ChainVerificationPool } from './chain-verification-pool';
import type { ChainReadSource } from './chain-verification-protocol';

/** One pool of verification threads per database, whichever stores are made on it; it ends with the data source. */
const pools = new WeakMap<DataSource, ChainVerificationPool>();

/**
 * Rows per page a verification thread reads: a few MB at a time, so the strings of a page die young (larger pages
 * measured slower from the garbage collection of the survivors), and few enough queries that their cost is small.
 * PostgreSQL threads do not page: they stream each chain in one query (see chain-page-readers.ts), so the size is
 * ignored there.
 */
const PAGE_SIZE = { sqlite: 1_000, postgres: 2_000 } as const;

/** The verification threads of a database, started on first use; undefined when no second connection can open it. */
export function chainVerificationPoolOf(dataSource: DataSource, recordsTable: string): ChainVerificationPool | undefined {
  const existing = pools.get(dataSource);
  if (existing !== undefined) return existing;
  const source = chainReadSourceOf(dataSource);
  if (source === undefined) return undefined;
  // One thread per core (the pool's default), for both dialects. A SQLite thread reads its file and computes all the
  // time. A PostgreSQL thread streams each chain in one binary COPY that the server sends without waiting for it, so it
  // rarely waits either, and the server's backends share the same cores. Measured on 2 cores: 2 threads used 4.7–4.9 µs
  // of CPU per record where 3 used 5.0–5.2 (6.6 against 7.4 in the first verification on new threads, where each
  // thread also compiles its hot path), at the same or better records/s. With pg's row-by-row Query, which left a
  // thread waiting on the server more, a third thread had paid off (186–203k records/s against 155–185k).
  const pool = new ChainVerificationPool({ source, recordsTable, pageSize: PAGE_SIZE[source.dialect] });
  pools.set(dataSource, pool);
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    pools.delete(dataSource);
    await pool.close();
    return destroy();
  };
  return pool;
}

/** Where a second connection reads this database from; undefined for an in-memory SQLite database. */
export function chainReadSourceOf(dataSource: DataSource): ChainReadSource | undefined {
  if (dataSource.options.type === 'postgres') {
    const options = dataSource.options as Extract<DataSourceOptions, { type: 'postgres' }>;
    return {
      dialect: 'postgres',
      connection: { connectionString: options.url, host: options.host, port: options.port, user: options.username, password: typeof options.password === 'string' ? options.password : undefined, database: options.database, ssl: options.ssl as ClientConfig['ssl'] },
    };
  }
  const db = (dataSource.driver as unknown as { databaseConnection?: { memory?: boolean; name?: string; pragma(source: string, options: { simple: boolean }): unknown } }).databaseConnection;
  // An in-memory database exists only on its own connection: its chains are read there.
  if (db === undefined || db.memory !== false || typeof db.name !== 'string' || db.name === '' || db.name === ':memory:') return undefined;
  return { dialect: 'sqlite', file: db.name, busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })) };
}
