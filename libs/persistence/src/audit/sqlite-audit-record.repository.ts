import { AuditChainConflictError, type AuditChainVerifier, type AuditQuery, type AuditQueryPosition, type AuditRecordStore, type ChainHead, type StoredAuditCheckpoint, type StoredAuditRecord } from '@kairos/audit';
import type { DataSource } from 'typeorm';
import { allHeadsSql, auditQuerySql, chainHeadSql, checkpointColumns, insertCheckpointSql, insertRecordSql, quotedTable, RECORD_COLUMN_LIST, recordColumns, recordOfTuple, type RecordTuple } from './audit-record-sql';
import { chainVerificationPoolOf } from './verification/chain-verification-pools';

/** The slice of better-sqlite3 this repository uses, on the connection TypeORM opened. */
export interface NativeStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  raw(toggle: boolean): NativeStatement;
}
export interface NativeDatabase {
  readonly name: string;
  readonly memory: boolean;
  pragma(source: string, options?: { simple: boolean }): unknown;
  prepare(sql: string): NativeStatement;
  transaction<Args extends unknown[], Result>(work: (...args: Args) => Result): { immediate(...args: Args): Result };
}

/**
 * Audit records on SQLite, through prepared statements on TypeORM's own better-sqlite3 connection. Appends run in a
 * BEGIN IMMEDIATE transaction: it takes the database's write lock before the heads are read, which is the chain lock
 * across processes. The transaction is synchronous, so no other statement of this process can slip into it.
 */
export class SqliteAuditRecordRepository implements AuditRecordStore {
  /** Reads are synchronous here: small pages keep little in memory at once and measured fastest (≈ 500 rows). */
  readonly preferredPageSize = 500;
  protected readonly db: NativeDatabase;
  private readonly statements = new Map<string, NativeStatement>();
  protected readonly records: string;
  protected readonly checkpoints: string;
  /** A database file is verified on threads with read-only connections of their own; an in-memory one here. */
  readonly chainVerifier: AuditChainVerifier | undefined;

  constructor(dataSource: DataSource) {
    this.db = (dataSource.driver as unknown as { databaseConnection: NativeDatabase }).databaseConnection;
    this.records = quotedTable(dataSource.getRepository('AuditRecord').metadata.tablePath);
    this.checkpoints = quotedTable(dataSource.getRepository('AuditCheckpoint').metadata.tablePath);
    this.chainVerifier = chainVerificationPoolOf(dataSource, this.records);
  }

  async appendBatch(chains: readonly number[], build: (heads: ReadonlyMap<number, ChainHead>) => readonly StoredAuditRecord[]): Promise<readonly StoredAuditRecord[]> {
    const head = this.statement(chainHeadSql(this.records));
    const insert = this.statement(insertRecordSql(this.records));
    const append = this.db.transaction(() => {
      const heads = new Map<number, ChainHead>();
      for (const chain of chains) {
        const row = head.get(chain) as { sequence: number; hash: string } | undefined;
        if (row) heads.set(chain, { chain, sequence: row.sequence, hash: row.hash });
      }
      const records = build(heads);
      for (const r of records) insert.run(r.id, r.chain, r.sequence, r.prevHash, r.hash, r.kind, r.subject, r.decisionId, r.occurredAtMs, r.recordedAtMs, r.body);
      return records;
    });
    try {
      return append.immediate();
    } catch (error) {
      throw conflictOrSame(error);
    }
  }

  async heads(chains?: readonly number[]): Promise<ChainHead[]> {
    const all = this.statement(allHeadsSql('sqlite', this.records)).all() as ChainHead[];
    return chains === undefined ? all : all.filter((head) => chains.includes(head.chain));
  }

  /**
   * Rows come back as arrays and become objects here: better-sqlite3 names each column of each row one by one, a
   * literal of fixed shape costs a fraction of that, and this is the verifier's read path.
   */
  async readChain(chain: number, fromSequence: number, limit: number): Promise<StoredAuditRecord[]> {
    let page = this.statements.get(READ_CHAIN);
    if (page === undefined) {
      page = this.db.prepare(`SELECT ${RECORD_COLUMN_LIST} FROM ${this.records} WHERE chain = ? AND sequence >= ? ORDER BY sequence LIMIT ?`).raw(true);
      this.statements.set(READ_CHAIN, page);
    }
    return (page.all(chain, fromSequence, limit) as RecordTuple[]).map(recordOfTuple);
  }

  async query(filter: AuditQuery, after: AuditQueryPosition | undefined, limit: number): Promise<StoredAuditRecord[]> {
    const { sql, params } = auditQuerySql('sqlite', this.records, filter, after, limit);
    return this.statement(sql).all(...params) as StoredAuditRecord[];
  }

  async byId(id: string): Promise<StoredAuditRecord | null> {
    return (this.statement(`SELECT ${recordColumns('sqlite')} FROM ${this.records} WHERE id = ?`).get(id) as StoredAuditRecord | undefined) ?? null;
  }

  async appendCheckpoint(build: (heads: readonly ChainHead[]) => StoredAuditCheckpoint): Promise<StoredAuditCheckpoint> {
    const heads = this.statement(allHeadsSql('sqlite', this.records));
    const insert = this.statement(insertCheckpointSql(this.checkpoints));
    const append = this.db.transaction(() => {
      const checkpoint = build(heads.all() as ChainHead[]);
      insert.run(checkpoint.number, checkpoint.issuedAtMs, checkpoint.keyId, checkpoint.root, checkpoint.line);
      return checkpoint;
    });
    return append.immediate();
  }

  async latestCheckpoint(): Promise<StoredAuditCheckpoint | null> {
    const latest = this.statement(`SELECT ${checkpointColumns('sqlite')} FROM ${this.checkpoints} ORDER BY number DESC LIMIT 1`);
    return (latest.get() as StoredAuditCheckpoint | undefined) ?? null;
  }

  /** Statements are prepared once per text; the filtered query has a handful of shapes. */
  protected statement(sql: string): NativeStatement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

const READ_CHAIN = 'read-chain';

/** A taken (chain, sequence), or the write lock still held by another process after busy_timeout: place again. */
export function conflictOrSame(error: unknown): unknown {
  const code = (error as { code?: string })?.code;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_BUSY') return new AuditChainConflictError(`another writer held or took the chain (${code})`);
  return error;
}
