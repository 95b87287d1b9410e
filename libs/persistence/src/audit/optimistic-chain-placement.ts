import { AuditChainConflictError, GENESIS_HASH, type ChainHead, type StoredAuditRecord } from '@kairos/audit';

/** After a conflict, appends go straight to locked placement for this long: another process is writing too. */
const CONTENDED_MS = 1_000;

type Build = (heads: ReadonlyMap<number, ChainHead>) => readonly StoredAuditRecord[];

/** How a store writes, for OptimisticChainPlacement. */
export interface ChainWriter {
  /** The committed heads of the given chains (chains without records left out). */
  committedHeads(chains: readonly number[]): Promise<ChainHead[]> | ChainHead[];
  /**
   * Writes `records` only if every chain's head is still the expected one, atomically; resolves after the commit
   * with true, or with false (nothing written) when a chain had moved.
   */
  appendIfCurrent(expected: readonly ChainHead[], records: readonly StoredAuditRecord[]): Promise<boolean>;
  /** Reads the heads under the chain lock, lets `build` place the batch on them, writes it: cannot conflict. */
  appendLocked(chains: readonly number[], build: Build): Promise<readonly StoredAuditRecord[]>;
}

/**
 * Optimistic placement of audit batches. The heads of the chains are cached here; `build` places and hashes a batch
 * after them without any lock held, and the cache moves on to the batch's last records at once, so the next batch is
 * placed while this one commits (pipelined flushes). The writer writes a batch only if the heads it was placed after
 * are still the heads. When another process moved a chain first, the batch is placed again under the chain lock, and
 * for a while every batch is: that is how several processes writing the same chains all make progress.
 */
export class OptimisticChainPlacement {
  /** Heads the next batch is placed after: committed, or placed by batches still in flight. */
  private readonly heads = new Map<number, ChainHead>();
  /** The newest batch touching each chain: only its outcome may correct the cached head. */
  private readonly newest = new Map<number, number>();
  private lastToken = 0;
  private contendedUntilMs = 0;

  constructor(private readonly writer: ChainWriter) {}

  async appendBatch(chains: readonly number[], build: Build): Promise<readonly StoredAuditRecord[]> {
    if (Date.now() < this.contendedUntilMs) return this.appendLocked(chains, build);
    const missing = chains.filter((chain) => !this.heads.has(chain));
    if (missing.length > 0) {
      const committed = await this.writer.committedHeads(missing);
      for (const head of committed) if (!this.heads.has(head.chain)) this.heads.set(head.chain, head);
    }
    const heads = new Map<number, ChainHead>();
    for (const chain of chains) heads.set(chain, this.heads.get(chain) ?? { chain, sequence: 0, hash: GENESIS_HASH });
    const records = build(heads);
    const token = this.claim(chains);
    for (const record of records) this.heads.set(record.chain, record);
    let committed: boolean;
    try {
      committed = await this.writer.appendIfCurrent([...heads.values()], records);
    } catch (error) {
      this.forget(chains, token);
      throw error;
    }
    if (committed) return records;
    this.contendedUntilMs = Date.now() + CONTENDED_MS;
    this.forget(chains, token);
    return this.appendLocked(chains, build);
  }

  /** Forgets every cached head (the writer restarted: what was in flight is unknown). */
  reset(): void {
    this.heads.clear();
  }

  private async appendLocked(chains: readonly number[], build: Build): Promise<readonly StoredAuditRecord[]> {
    const token = this.claim(chains);
    let records: readonly StoredAuditRecord[];
    try {
      records = await this.writer.appendLocked(chains, build);
    } catch (error) {
      this.forget(chains, token);
      throw error;
    }
    for (const record of records) if (this.newest.get(record.chain) === token) this.heads.set(record.chain, record);
    return records;
  }

  private claim(chains: readonly number[]): number {
    const token = ++this.lastToken;
    for (const chain of chains) this.newest.set(chain, token);
    return token;
  }

  /** The batch's fate leaves the cache unsure: read those heads again, unless a newer batch already moved them. */
  private forget(chains: readonly number[], token: number): void {
    for (const chain of chains) if (this.newest.get(chain) === token) this.heads.delete(chain);
  }
}

/** A writer that placed rows on heads that were not the heads: the caller's batch goes round again. */
export function notPlacedOnHeads(): AuditChainConflictError {
  return new AuditChainConflictError('the batch was not placed on the heads it was given');
}
