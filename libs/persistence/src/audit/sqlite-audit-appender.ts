import { AuditChainConflictError, type ChainHead, type StoredAuditCheckpoint, type StoredAuditRecord } from '@kairos/audit';
import { AuditWriterBusyError, AuditWriterClient } from './audit-writer-client';
import type { AuditWriterSettings, HeadColumns, RecordColumns } from './audit-writer-protocol';
import { notPlacedOnHeads, OptimisticChainPlacement, type ChainWriter } from './optimistic-chain-placement';

/**
 * Appends of one SQLite database through its writer thread (one per data source, shared by every store on it), with
 * optimistic placement (see OptimisticChainPlacement): the thread writes a batch in its next group transaction if the
 * heads it was placed after are still the heads under the write lock; a locked placement reads the heads inside that
 * transaction and waits for the main thread's rows. A thread that died is replaced at the next append.
 */
export class SqliteAuditAppender implements ChainWriter {
  private client: Promise<AuditWriterClient> | undefined;
  /** The started client, for a stop that must not wait a tick. */
  private running: AuditWriterClient | undefined;
  private readonly placement = new OptimisticChainPlacement(this);
  private closing: Promise<void> | undefined;

  constructor(
    private readonly settings: AuditWriterSettings,
    /** The committed head of a chain, read on the main connection (a WAL reader never waits on the writer). */
    private readonly committedHead: (chain: number) => ChainHead | undefined,
  ) {}

  async appendBatch(chains: readonly number[], build: (heads: ReadonlyMap<number, ChainHead>) => readonly StoredAuditRecord[]): Promise<readonly StoredAuditRecord[]> {
    await this.writer(); // a new thread forgets the cached heads before anything is placed on them
    return this.placement.appendBatch(chains, build);
  }

  committedHeads(chains: readonly number[]): ChainHead[] {
    return chains.flatMap((chain) => this.committedHead(chain) ?? []);
  }

  async appendIfCurrent(expected: readonly ChainHead[], records: readonly StoredAuditRecord[]): Promise<boolean> {
    const heads: HeadColumns = { chains: expected.map((h) => h.chain), sequences: expected.map((h) => h.sequence), hashes: expected.map((h) => h.hash) };
    return (await this.writer()).append(heads, columnsOf(records)).catch(rethrown);
  }

  async appendLocked(chains: readonly number[], build: (heads: ReadonlyMap<number, ChainHead>) => readonly StoredAuditRecord[]): Promise<readonly StoredAuditRecord[]> {
    let records: readonly StoredAuditRecord[] = [];
    const committed = await (await this.writer())
      .place([...chains], (heads) => {
        records = build(new Map(chainHeads(heads).map((head) => [head.chain, head])));
        return { records: columnsOf(records) };
      })
      .catch(rethrown);
    if (!committed) throw notPlacedOnHeads();
    return records;
  }

  async appendCheckpoint(build: (heads: readonly ChainHead[]) => StoredAuditCheckpoint): Promise<StoredAuditCheckpoint> {
    let checkpoint: StoredAuditCheckpoint | undefined;
    const committed = await (await this.writer())
      .place(null, (heads) => {
        checkpoint = build(chainHeads(heads));
        return { checkpoint: [checkpoint.number, checkpoint.issuedAtMs, checkpoint.keyId, checkpoint.root, checkpoint.line] };
      })
      .catch(rethrown);
    if (!committed) throw new Error('the checkpoint was not written: the writer thread gave up waiting for it');
    return checkpoint!;
  }

  /** Lets the thread write what it was sent, then ends it. */
  async close(): Promise<void> {
    this.closing ??= (async () => {
      const client = await this.client?.catch(() => undefined);
      this.client = undefined;
      this.running = undefined;
      await client?.close();
    })();
    await this.closing;
    this.closing = undefined;
  }

  /** Transactions the current writer thread committed appends in (tests, benchmarks). */
  async committedTransactions(): Promise<number> {
    return (await this.client?.catch(() => undefined))?.committedTransactions ?? 0;
  }

  /** Kills the thread as a crash would (tests): the stop is requested before this returns, even if awaited later. */
  crash(): Promise<void> {
    return this.running?.terminate() ?? Promise.resolve();
  }

  /** The running thread, or a new one after the last one died (its pending appends were rejected). */
  private async writer(): Promise<AuditWriterClient> {
    if (this.client !== undefined) {
      const client = await this.client.catch(() => undefined);
      if (client !== undefined && !client.failed) return client;
      this.client = undefined;
    }
    if (this.client === undefined) {
      this.placement.reset();
      this.client = AuditWriterClient.start(this.settings).then((client) => (this.running = client));
    }
    return this.client;
  }
}

function chainHeads(heads: HeadColumns): ChainHead[] {
  return heads.chains.map((chain, i) => ({ chain, sequence: heads.sequences[i], hash: heads.hashes[i] }));
}

function columnsOf(records: readonly StoredAuditRecord[]): RecordColumns {
  const columns: RecordColumns = { ids: [], chains: [], sequences: [], prevHashes: [], hashes: [], kinds: [], subjects: [], decisionIds: [], occurredAtMs: [], recordedAtMs: [], bodies: [] };
  for (const r of records) {
    columns.ids.push(r.id);
    columns.chains.push(r.chain);
    columns.sequences.push(r.sequence);
    columns.prevHashes.push(r.prevHash);
    columns.hashes.push(r.hash);
    columns.kinds.push(r.kind);
    columns.subjects.push(r.subject);
    columns.decisionIds.push(r.decisionId);
    columns.occurredAtMs.push(r.occurredAtMs);
    columns.recordedAtMs.push(r.recordedAtMs);
    columns.bodies.push(r.body);
  }
  return columns;
}

/** Locked out past busy_timeout by another process: the journal places the batch again later. */
function rethrown(error: unknown): never {
  throw error instanceof AuditWriterBusyError ? new AuditChainConflictError(`another writer held the database (${error.message})`) : error;
}
