import type { ChainHead, StoredAuditCheckpoint, StoredAuditRecord } from '@kairos/audit';
import type { DataSource } from 'typeorm';
import { chainHeadSql } from './audit-record-sql';
import { SqliteAuditAppender } from './sqlite-audit-appender';
import { SqliteAuditRecordRepository } from './sqlite-audit-record.repository';

/** One writer thread per database, whichever stores are made on it; it ends with the data source. */
const appenders = new WeakMap<DataSource, SqliteAuditAppender>();

/**
 * Audit records in a SQLite file: appends and checkpoints go through the writer thread (group commit off the event
 * loop, see SqliteAuditAppender); reads stay on TypeORM's connection, where WAL shows every committed record.
 */
export class ThreadedSqliteAuditRecordRepository extends SqliteAuditRecordRepository {
  /** Batches are placed on this thread while the writer thread commits the previous ones. */
  readonly preferredConcurrentFlushes = 3;
  /** The writer thread groups what arrives while it commits; a batching timer here would only delay the replies. */
  readonly preferredMaxBatchDelayMs = 0;
  private readonly appender: SqliteAuditAppender;

  constructor(dataSource: DataSource) {
    super(dataSource);
    this.appender = appenders.get(dataSource) ?? this.startAppender(dataSource);
  }

  /** Whether the database lives in a file another connection (the writer thread) can open. */
  static canServe(dataSource: DataSource): boolean {
    const db = (dataSource.driver as unknown as { databaseConnection?: { memory?: boolean; name?: string } }).databaseConnection;
    return db !== undefined && db.memory === false && typeof db.name === 'string' && db.name !== '' && db.name !== ':memory:';
  }

  override appendBatch(chains: readonly number[], build: (heads: ReadonlyMap<number, ChainHead>) => readonly StoredAuditRecord[]): Promise<readonly StoredAuditRecord[]> {
    return this.appender.appendBatch(chains, build);
  }

  override appendCheckpoint(build: (heads: readonly ChainHead[]) => StoredAuditCheckpoint): Promise<StoredAuditCheckpoint> {
    return this.appender.appendCheckpoint(build);
  }

  /** Ends the writer thread after what it was sent is written (also done when the data source is destroyed). */
  close(): Promise<void> {
    return this.appender.close();
  }

  /** Transactions the writer thread committed appends in: fewer than the appends when group commit grouped them. */
  committedTransactions(): Promise<number> {
    return this.appender.committedTransactions();
  }

  /** Kills the writer thread as a crash would: pending appends reject. Tests only. */
  crashWriterForTest(): Promise<void> {
    return this.appender.crash();
  }

  private startAppender(dataSource: DataSource): SqliteAuditAppender {
    const head = this.db.prepare(chainHeadSql(this.records));
    const appender = new SqliteAuditAppender(
      {
        dbPath: this.db.name,
        journalMode: String(this.db.pragma('journal_mode', { simple: true })),
        synchronous: Number(this.db.pragma('synchronous', { simple: true })),
        busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
        recordsTable: this.records,
        checkpointsTable: this.checkpoints,
      },
      (chain) => {
        const row = head.get(chain) as { sequence: number; hash: string } | undefined;
        return row && { chain, sequence: row.sequence, hash: row.hash };
      },
    );
    appenders.set(dataSource, appender);
    // The thread holds the file open: it goes when the data source does, whoever made the store.
    const destroy = dataSource.destroy.bind(dataSource);
    dataSource.destroy = async () => {
      await appender.close();
      appenders.delete(dataSource);
      return destroy();
    };
    return appender;
  }
}
