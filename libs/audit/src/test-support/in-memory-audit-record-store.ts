import type { ChainHead } from '../audit-chain';
import type { StoredAuditRecord } from '../audit-record-body';
import { AuditChainConflictError, type AuditQuery, type AuditQueryPosition, type AuditRecordStore, type StoredAuditCheckpoint } from '../audit-record-store';

/**
 * The store port over arrays, for unit tests of the journal, verifier and explainer. `rows` is public so tamper
 * tests can change it the way an attacker with table access would; the TypeORM store is tested on real tables.
 */
export class InMemoryAuditRecordStore implements AuditRecordStore {
  rows: StoredAuditRecord[] = [];
  readonly checkpointRows: StoredAuditCheckpoint[] = [];
  appendCalls = 0;
  /** Runs inside appendBatch after the heads are read: lets a test play another writer that got in first. */
  beforeInsert: (() => void) | undefined;
  failNext: Error | undefined;

  async appendBatch(chains: readonly number[], build: (heads: ReadonlyMap<number, ChainHead>) => readonly StoredAuditRecord[]): Promise<readonly StoredAuditRecord[]> {
    this.appendCalls++;
    if (this.failNext) {
      const failure = this.failNext;
      this.failNext = undefined;
      throw failure;
    }
    const heads = new Map((await this.heads(chains)).map((head) => [head.chain, head]));
    const records = build(heads);
    this.beforeInsert?.();
    const taken = new Set(this.rows.map((row) => `${row.chain}:${row.sequence}`));
    if (records.some((record) => taken.has(`${record.chain}:${record.sequence}`))) throw new AuditChainConflictError();
    this.rows.push(...records);
    return records;
  }

  async heads(chains?: readonly number[]): Promise<ChainHead[]> {
    const newest = new Map<number, StoredAuditRecord>();
    for (const row of this.rows) {
      const current = newest.get(row.chain);
      if (current === undefined || row.sequence > current.sequence) newest.set(row.chain, row);
    }
    return [...newest.values()]
      .filter((row) => chains === undefined || chains.includes(row.chain))
      .sort((a, b) => a.chain - b.chain)
      .map((row) => ({ chain: row.chain, sequence: row.sequence, hash: row.hash }));
  }

  async readChain(chain: number, fromSequence: number, limit: number): Promise<StoredAuditRecord[]> {
    return this.rows
      .filter((row) => row.chain === chain && row.sequence >= fromSequence)
      .sort((a, b) => a.sequence - b.sequence)
      .slice(0, limit);
  }

  async query(filter: AuditQuery, after: AuditQueryPosition | undefined, limit: number): Promise<StoredAuditRecord[]> {
    return this.rows
      .filter(
        (row) =>
          (filter.subject === undefined || row.subject === filter.subject) &&
          (filter.kind === undefined || row.kind === filter.kind) &&
          (filter.decisionId === undefined || row.decisionId === filter.decisionId) &&
          (filter.fromMs === undefined || row.occurredAtMs >= filter.fromMs) &&
          (filter.toMs === undefined || row.occurredAtMs < filter.toMs) &&
          (after === undefined || row.occurredAtMs > after.occurredAtMs || (row.occurredAtMs === after.occurredAtMs && row.id > after.id)),
      )
      .sort((a, b) => a.occurredAtMs - b.occurredAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
  }

  async byId(id: string): Promise<StoredAuditRecord | null> {
    return this.rows.find((row) => row.id === id) ?? null;
  }

  async appendCheckpoint(build: (heads: readonly ChainHead[]) => StoredAuditCheckpoint): Promise<StoredAuditCheckpoint> {
    const checkpoint = build(await this.heads());
    this.checkpointRows.push(checkpoint);
    return checkpoint;
  }

  async latestCheckpoint(): Promise<StoredAuditCheckpoint | null> {
    return this.checkpointRows[this.checkpointRows.length - 1] ?? null;
  }
}
