import { AuditChainConflictError, type AuditChainVerifier, type AuditQuery, type AuditQueryPosition, type AuditRecordStore, type ChainHead, type StoredAuditCheckpoint, type StoredAuditRecord } from '@kairos/audit';
import type { DataSource, QueryRunner } from 'typeorm';
import { allHeadsSql, auditQuerySql, checkpointColumns, quotedTable, recordColumns, recordOfTuple, type RecordTuple } from './audit-record-sql';
import { OptimisticChainPlacement, type ChainWriter } from './optimistic-chain-placement';
import { SerialPgConnection, type AcquirePgConnection, type PgResult, type PgStatement } from './serial-pg-connection';
import { guardedInsert, guardedInsertSql, preparedStatementName } from './postgres-audit-insert';
import { chainVerificationPoolOf } from './verification/chain-verification-pools';

/** The slice of the pg client (TypeORM's pooled connection) the read path and the optimistic insert use. */
interface PgClient {
  query(config: { text: string; values: unknown[]; rowMode?: 'array' }): Promise<{ rows: unknown[]; rowCount: number | null }>;
  query(statement: PgStatement): Promise<PgResult>;
}

/** Advisory-lock "object" number of the checkpoint lock; chain locks use the chain number (≥ 0). */
const CHECKPOINT_LOCK = -1;

/**
 * Audit records on PostgreSQL, placed optimistically (see OptimisticChainPlacement): a batch placed after the cached
 * heads is written by one INSERT … SELECT in its own implicit transaction — one round trip — that inserts nothing
 * unless every expected head is a committed row with the expected hash; the unique (chain, sequence) index refuses a
 * second batch after the same head. So no fork (one row per place) and no gap (a row only after its committed
 * predecessor). These INSERTs run one after another on one held connection (see SerialPgConnection): a batch placed
 * while the one ahead of it is still being inserted is queued and sent the moment that one committed, so it finds its
 * predecessors committed. After a conflict
 * the batch is placed under transaction-scoped advisory locks per chain (in ascending chain order, so two writers
 * cannot deadlock): writers in other processes wait on the lock and all make progress.
 */
export class PostgresAuditRecordRepository implements AuditRecordStore, ChainWriter {
  /** Each page is a round trip to the server: large pages, fetched one ahead by the verifier. */
  readonly preferredPageSize = 5_000;
  /**
   * Batches are placed and queued while the ones before them are still being inserted (see SerialPgConnection). With
   * many appends waiting, several moderate batches under way keep the server and the event loop busy at the same
   * time, where one batch of every waiting append left them taking turns (measured on 2 cores with 512 concurrent
   * appenders: about 17k appends/s with one 512-record batch at a time, 26–27k with 200-record batches, 4 under way).
   */
  readonly preferredConcurrentFlushes = 4;
  readonly preferredMaxBatchSize = 200;
  /**
   * No batching timer: with flushes under way, appends gather behind them anyway (the group commit), and a lone
   * append — a trigger fire's record on the way to its action — is not held back 2 ms for company.
   */
  readonly preferredMaxBatchDelayMs = Number(process.env.TMPD ?? 0);
  private readonly placement = new OptimisticChainPlacement(this);
  /**
   * Optimistic INSERTs run one after another on one connection: a batch placed after one still in flight would not
   * find its predecessor committed yet on another connection and would be refused.
   */
  private readonly optimisticInserts: SerialPgConnection;
  private readonly insertStatement: { readonly text: string; readonly name: string };
  private readonly records: string;
  private readonly checkpoints: string;
  /** Lock namespace per table, so test schemas in one database do not wait on each other. */
  private readonly lockSpace: string;
  /** Chains are verified on threads with pg clients of their own: parsing the rows is most of the work. */
  readonly chainVerifier: AuditChainVerifier | undefined;

  constructor(private readonly dataSource: DataSource) {
    const tablePath = dataSource.getRepository('AuditRecord').metadata.tablePath;
    this.records = quotedTable(tablePath);
    this.checkpoints = quotedTable(dataSource.getRepository('AuditCheckpoint').metadata.tablePath);
    this.lockSpace = tablePath;
    this.chainVerifier = chainVerificationPoolOf(dataSource, this.records);
    const text = guardedInsertSql(this.records);
    this.insertStatement = { text, name: preparedStatementName('audit-insert', text) };
    const driver = dataSource.driver as unknown as { obtainMasterConnection(): ReturnType<AcquirePgConnection> };
    this.optimisticInserts = new SerialPgConnection(() => driver.obtainMasterConnection());
  }

  appendBatch(chains: readonly number[], build: (heads: ReadonlyMap<number, ChainHead>) => readonly StoredAuditRecord[]): Promise<readonly StoredAuditRecord[]> {
    return this.placement.appendBatch(chains, build);
  }

  async committedHeads(chains: readonly number[]): Promise<ChainHead[]> {
    return this.dataSource.query(this.headsSql, [[...chains]]);
  }

  /** The batch in one statement, inserted only if every expected head (sequence > 0) is a committed row as expected. */
  async appendIfCurrent(expected: readonly ChainHead[], records: readonly StoredAuditRecord[]): Promise<boolean> {
    try {
      const result = await this.optimisticInserts.run(guardedInsert(this.insertStatement, expected, records));
      return result.rowCount === records.length;
    } catch (error) {
      const refusal = conflictOrSame(error);
      if (refusal instanceof AuditChainConflictError) return false;
      throw refusal;
    }
  }

  async appendLocked(chains: readonly number[], build: (heads: ReadonlyMap<number, ChainHead>) => readonly StoredAuditRecord[]): Promise<readonly StoredAuditRecord[]> {
    return this.inTransaction(async (runner) => {
      const heads = await this.lockedHeads(runner, chains);
      const records = build(new Map(heads.map((head) => [head.chain, head])));
      // Under the chain locks: no guard rows, the heads just read are the heads.
      const client = (await runner.connect()) as PgClient;
      await client.query(guardedInsert(this.insertStatement, [], records));
      return records;
    });
  }

  async heads(chains?: readonly number[]): Promise<ChainHead[]> {
    const all: ChainHead[] = await this.dataSource.query(allHeadsSql('postgres', this.records));
    return chains === undefined ? all : all.filter((head) => chains.includes(head.chain));
  }

  /**
   * The verifier's read path: straight through the pooled pg client with rows as arrays (pg then skips building an
   * object with named properties per row). bigint arrives as text and becomes a number in recordOfTuple: cheaper
   * for the server than printing float8.
   */
  async readChain(chain: number, fromSequence: number, limit: number): Promise<StoredAuditRecord[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PgClient;
      const result = await client.query({
        text: `SELECT id, chain, sequence, prev_hash, hash, kind, subject, decision_id, occurred_at_ms, recorded_at_ms, body
               FROM ${this.records} WHERE chain = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3`,
        values: [chain, fromSequence, limit],
        rowMode: 'array',
      });
      return (result.rows as RecordTuple[]).map(recordOfTuple);
    } finally {
      await runner.release();
    }
  }

  async query(filter: AuditQuery, after: AuditQueryPosition | undefined, limit: number): Promise<StoredAuditRecord[]> {
    const { sql, params } = auditQuerySql('postgres', this.records, filter, after, limit);
    return this.dataSource.query(sql, params);
  }

  async byId(id: string): Promise<StoredAuditRecord | null> {
    const rows: StoredAuditRecord[] = await this.dataSource.query(`SELECT ${recordColumns('postgres')} FROM ${this.records} WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async appendCheckpoint(build: (heads: readonly ChainHead[]) => StoredAuditCheckpoint): Promise<StoredAuditCheckpoint> {
    return this.inTransaction(async (runner) => {
      await runner.query(`SELECT pg_advisory_xact_lock(hashtext($1), $2)`, [this.lockSpace, CHECKPOINT_LOCK]);
      const checkpoint = build(await runner.query(allHeadsSql('postgres', this.records)));
      await runner.query(`INSERT INTO ${this.checkpoints} (number, issued_at_ms, key_id, root, line) VALUES ($1, $2, $3, $4, $5)`, [
        checkpoint.number,
        checkpoint.issuedAtMs,
        checkpoint.keyId,
        checkpoint.root,
        checkpoint.line,
      ]);
      return checkpoint;
    });
  }

  async latestCheckpoint(): Promise<StoredAuditCheckpoint | null> {
    const rows: StoredAuditCheckpoint[] = await this.dataSource.query(`SELECT ${checkpointColumns('postgres')} FROM ${this.checkpoints} ORDER BY number DESC LIMIT 1`);
    return rows[0] ?? null;
  }

  private async lockedHeads(runner: QueryRunner, chains: readonly number[]): Promise<ChainHead[]> {
    const sorted = [...chains].sort((a, b) => a - b);
    await runner.query(`SELECT pg_advisory_xact_lock(hashtext($1), c) FROM unnest($2::int[]) AS c`, [this.lockSpace, sorted]);
    return runner.query(this.headsSql, [sorted]);
  }

  private get headsSql(): string {
    return `SELECT c.chain AS "chain", h.sequence::float8 AS "sequence", h.hash AS "hash"
      FROM unnest($1::int[]) AS c(chain)
      CROSS JOIN LATERAL (SELECT sequence, hash FROM ${this.records} r WHERE r.chain = c.chain ORDER BY sequence DESC LIMIT 1) h`;
  }

  private async inTransaction<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await work(runner);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw conflictOrSame(error);
    } finally {
      await runner.release();
    }
  }
}

/** unique_violation, deadlock_detected, serialization_failure: another writer got there first — place again. */
function conflictOrSame(error: unknown): unknown {
  const code = (error as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (error as { code?: string })?.code;
  if (code === '23505' || code === '40P01' || code === '40001') return new AuditChainConflictError(`another writer took the chain (${code})`);
  return error;
}
