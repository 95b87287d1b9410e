import type { ChainHead } from './audit-chain';
import type { StoredAuditRecord } from './audit-record-body';
import type { AuditRecordKind } from './audit-record';
import type { ChainOutcome } from './chain-check';
import type { ChainProofs } from './checkpoint-evidence';

/** Filters of an audit query; every one is optional and they combine with AND. Times are epoch ms, `toMs` exclusive. */
export interface AuditQuery {
  readonly subject?: string;
  readonly kind?: AuditRecordKind;
  readonly decisionId?: string;
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** Queries return records ordered by (occurredAtMs, id); the cursor is the last record a page returned. */
export interface AuditQueryPosition {
  readonly occurredAtMs: number;
  readonly id: string;
}

/** The DB copy of a signed checkpoint. The verifier never trusts it: the external file is the evidence. */
export interface StoredAuditCheckpoint {
  readonly number: number;
  readonly issuedAtMs: number;
  readonly keyId: string;
  readonly root: string;
  /** The signed checkpoint exactly as written to the external file (one NDJSON line without the newline). */
  readonly line: string;
}

/**
 * Where audit records live. Implementations must be append-only (no update or delete path at all) and make
 * `appendBatch` atomic and exclusive per chain across processes.
 */
export interface AuditRecordStore {
  /**
   * In one transaction: lock the given chains (other writers, in any process, wait), read their heads, let `build`
   * place the records after those heads, insert them, commit. Resolves once committed. A unique (chain, sequence)
   * violation — a writer that did not take the lock — rejects with AuditChainConflictError so the caller re-reads
   * and re-hashes.
   */
  appendBatch(chains: readonly number[], build: (heads: ReadonlyMap<number, ChainHead>) => readonly StoredAuditRecord[]): Promise<readonly StoredAuditRecord[]>;
  /** Heads of the given chains (chains with no records are left out), or of every chain that has records. */
  heads(chains?: readonly number[]): Promise<ChainHead[]>;
  /** A page of a chain in (sequence, id) order, starting at `fromSequence` inclusive. */
  readChain(chain: number, fromSequence: number, limit: number): Promise<StoredAuditRecord[]>;
  /** Records matching the filters in (occurredAtMs, id) order, after `after` when given. */
  query(filter: AuditQuery, after: AuditQueryPosition | undefined, limit: number): Promise<StoredAuditRecord[]>;
  byId(id: string): Promise<StoredAuditRecord | null>;
  /**
   * In one transaction under a store-wide checkpoint lock: read every chain head, let `build` sign and publish the
   * checkpoint (it writes the external file), store the copy `build` returns. Checkpoints are thereby totally
   * ordered across processes and their heads never go backwards.
   */
  appendCheckpoint(build: (heads: readonly ChainHead[]) => StoredAuditCheckpoint): Promise<StoredAuditCheckpoint>;
  latestCheckpoint(): Promise<StoredAuditCheckpoint | null>;
  /**
   * The page size readChain serves best, if the store knows: an in-process database wants small pages (less held in
   * memory at once), a database server large ones (fewer round trips).
   */
  readonly preferredPageSize?: number;
  /**
   * Flushes the journal should keep under way at once, if the store knows: one that places batches optimistically
   * or talks to a server overlaps placing the next batch with committing this one.
   */
  readonly preferredConcurrentFlushes?: number;
  /**
   * Records the journal should gather into one flush at most, if the store knows. A store that pipelines flushes
   * (PostgreSQL) wants several moderate batches under way — one committing while the next is placed — rather than one
   * batch holding every waiting append, which leaves the database and the event loop taking turns.
   */
  readonly preferredMaxBatchSize?: number;
  /**
   * How long (ms) the first waiting record may wait for others before a flush starts, if the store knows. A store
   * whose commits group themselves (the SQLite writer thread gathers whatever arrives while it commits) wants 0: a
   * timer would only add its delay to every reply that waits for the commit.
   */
  readonly preferredMaxBatchDelayMs?: number;
  /**
   * Checks whole chains off the caller's event loop, if the store can: verification threads, each with a read
   * connection of its own, running the same ChainCheck the verifier runs in process. Optional: without it the verifier
   * reads pages through readChain.
   */
  readonly chainVerifier?: AuditChainVerifier;
  /** Releases what appending holds (a writer thread); reads keep working. Optional: most stores hold nothing. */
  close?(): Promise<void>;
}

/** Checks chains somewhere else than the caller's event loop (see AuditRecordStore.chainVerifier). */
export interface AuditChainVerifier {
  /** Chains it checks at the same time: the verifier keeps that many under way. */
  readonly lanes: number;
  /** Whether it takes chains at once (its threads are started). */
  ready(): boolean;
  /** Gets ready (starts its threads, which can take longer than checking a small log); resolves once ready. Never rejects. */
  prepare(): Promise<void>;
  /**
   * The outcome of ChainCheck over the whole chain, read in (sequence, id) order, in pages of `pageSize` rows when
   * given (tests vary it to move the page boundaries), else of the size it reads best.
   */
  verifyChain(chain: number, proofs: ChainProofs | undefined, pageSize?: number): Promise<ChainOutcome>;
}

/** Another writer took the (chain, sequence) this batch was placed at: re-read the heads and place it again. */
export class AuditChainConflictError extends Error {
  constructor(message = 'another writer appended to the chain first') {
    super(message);
    this.name = 'AuditChainConflictError';
  }
}
