import type Database from 'better-sqlite3';

/**
 * Schema of the embedded log file. It is a storage engine of its own (the distributed mode uses Kafka instead),
 * so it is versioned with SQLite's user_version rather than with the TypeORM migrations of the application tables.
 */
export const LOG_SCHEMA_VERSION = 2;

/**
 * Version 2 adds what retention and the data-subject export need:
 * - `events_customer`: a customer's events without a scan of the partition (Art. 15 export, erasure). It costs one
 *   more B-tree insert per append; a secondary index of a WITHOUT ROWID table carries the primary key, so
 *   (customer_id, partition, offset) is read from the index alone.
 * - `partition_floors`: per partition, one past the highest offset retention deleted; the head never goes below it.
 *   Heads are otherwise MAX(offset) + 1, which would hand out offsets again after a partition was purged empty, and
 *   a consumer whose snapshot covers those offsets would skip the new events.
 */
const V2_UPGRADE = `
  CREATE INDEX events_customer ON events (customer_id);
  CREATE TABLE partition_floors (partition INTEGER PRIMARY KEY, head_floor INTEGER NOT NULL);
`;

export function applyLogSchema(db: Database.Database, partitionCount: number): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) {
    db.transaction(() => {
      db.exec(`
        CREATE TABLE log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE events (
          partition INTEGER NOT NULL,
          offset INTEGER NOT NULL,
          id TEXT NOT NULL,
          customer_id TEXT NOT NULL,
          type TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          stored_at INTEGER NOT NULL,
          payload TEXT NOT NULL,
          PRIMARY KEY (partition, offset)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX events_id ON events (id);
        CREATE TABLE consumer_offsets (group_id TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL, PRIMARY KEY (group_id, partition));
      `);
      db.exec(V2_UPGRADE);
      db.prepare('INSERT INTO log_meta (key, value) VALUES (?, ?)').run('partitions', String(partitionCount));
      db.pragma(`user_version = ${LOG_SCHEMA_VERSION}`);
    })();
    return;
  }
  if (version === 1) {
    db.transaction(() => {
      db.exec(V2_UPGRADE);
      db.pragma(`user_version = ${LOG_SCHEMA_VERSION}`);
    })();
  } else if (version !== LOG_SCHEMA_VERSION) {
    throw new Error(`embedded log has schema version ${version}, this build reads ${LOG_SCHEMA_VERSION}`);
  }
  const stored = db.prepare('SELECT value FROM log_meta WHERE key = ?').pluck().get('partitions') as string;
  if (Number(stored) !== partitionCount) {
    throw new Error(`embedded log was created with ${stored} partitions but KAIROS_PARTITIONS is ${partitionCount}; repartitioning is not supported`);
  }
}

export function openLogDatabase(dbPath: string, options: { readonly: boolean; synchronous?: 'full' | 'normal' }): Database.Database {
  // Required lazily so the worker thread and the main thread each load the native addon themselves.
  const BetterSqlite = require('better-sqlite3') as typeof Database;
  const db = new BetterSqlite(dbPath, { readonly: options.readonly, fileMustExist: options.readonly });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    // Appends insert into three B-trees (offset, id, customer): the writer keeps their pages in memory (64 MiB
    // instead of 2) and checkpoints every 4,000 pages (16 MiB of WAL) instead of 1,000, so a hot index page is
    // copied back to the file once for many commits. Durability is unchanged: every commit is fsynced in the WAL.
    // The page size stays 4 KiB: larger pages made every small commit write (and fsync) more WAL.
    db.pragma('cache_size = -65536');
    db.pragma('wal_autocheckpoint = 4000');
  }
  db.pragma('busy_timeout = 5000');
  return db;
}
