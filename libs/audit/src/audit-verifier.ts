import type { KeyObject } from 'node:crypto';
import type { AuditChainVerifier, AuditRecordStore } from './audit-record-store';
import { checkChainPages, type AuditChainBreak, type ChainOutcome } from './chain-check';
import { isCheckpointProblem, readCheckpointEvidence, type ChainProofs, type CheckpointProblem } from './checkpoint-evidence';

export type { AuditBreakReason, AuditChainBreak } from './chain-check';

export interface AuditVerificationResult {
  readonly ok: boolean;
  readonly recordsVerified: number;
  readonly chains: number;
  readonly checkpointsVerified: number;
  /** Records after the newest checkpoint's heads: linked, but a cut of them would not show until the next checkpoint. */
  readonly recordsAfterLastCheckpoint: number;
  readonly firstBroken?: AuditChainBreak;
  /** Set when the checkpoint file itself is not acceptable; the chains are then not checked at all. */
  readonly checkpointProblem?: CheckpointProblem;
}

export interface AuditVerifierOptions {
  readonly store: AuditRecordStore;
  /** The key checkpoints must be signed with: configured, never read from the database. */
  readonly trustedPublicKey: KeyObject;
  readonly checkpoints: { lines(): AsyncIterable<{ readonly lineNumber: number; readonly text: string }> };
  readonly pageSize?: number;
  /**
   * Chains checked at the same time (default: the store's verification threads, else 2). Against a database server the
   * reads of one chain wait on the server while another chain's pages are hashed; the result is the same as checking
   * them one by one.
   */
  readonly concurrency?: number;
  /** Records from which the chains go to the store's verification threads, started first if need be (default 50,000). */
  readonly threadsFromRecords?: number;
}

/** Records from which a verification uses the store's verification threads (see chainVerifierToUse). */
const THREADS_FROM_RECORDS = 50_000;

/**
 * Checks the whole audit log: every chain streamed in pages (sequence contiguity, SHA-256 of each stored body, the
 * link to the predecessor, columns agreeing with the body — see ChainCheck), and every signed checkpoint in the external
 * file (see checkpoint-evidence.ts) against the chains. It stops at the first break and names its chain and sequence.
 *
 * The checkpoint file is read and its signatures checked here; the chains, which are independent of one another, are
 * checked on the store's verification threads when it has them and the log is large (each with a read connection of
 * its own), else on this event loop with pages fetched one ahead.
 */
export class AuditVerifier {
  private readonly pageSize: number;

  constructor(private readonly options: AuditVerifierOptions) {
    this.pageSize = options.pageSize ?? options.store.preferredPageSize ?? 2_000;
  }

  async verify(): Promise<AuditVerificationResult> {
    const evidence = await readCheckpointEvidence(this.options.checkpoints.lines(), this.options.trustedPublicKey);
    if (isCheckpointProblem(evidence)) {
      return { ok: false, recordsVerified: 0, chains: 0, checkpointsVerified: 0, recordsAfterLastCheckpoint: 0, checkpointProblem: evidence };
    }
    const heads = await this.options.store.heads();
    const chains = [...new Set([...heads.map((head) => head.chain), ...evidence.proofs.keys()])].sort((a, b) => a - b);
    const signedThrough = new Map(evidence.latestHeads.map((head) => [head.chain, head.sequence]));
    const remote = await this.chainVerifierToUse(heads);
    const outcomes = await this.verifyChains(chains, evidence.proofs, remote);
    let recordsVerified = 0;
    let recordsAfterLastCheckpoint = 0;
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome === undefined) break;
      recordsVerified += outcome.verified;
      if (outcome.broken) {
        return { ok: false, recordsVerified, chains: chains.length, checkpointsVerified: evidence.checkpoints, recordsAfterLastCheckpoint, firstBroken: outcome.broken };
      }
      recordsAfterLastCheckpoint += outcome.lastSequence - Math.min(outcome.lastSequence, signedThrough.get(chains[i]) ?? 0);
    }
    return { ok: true, recordsVerified, chains: chains.length, checkpointsVerified: evidence.checkpoints, recordsAfterLastCheckpoint };
  }

  /** Outcomes in chain order; after a broken chain, later chains not yet started are left out (undefined). */
  private async verifyChains(chains: readonly number[], proofs: ReadonlyMap<number, ChainProofs>, remote: AuditChainVerifier | undefined): Promise<(ChainOutcome | undefined)[]> {
    const outcomes: (ChainOutcome | undefined)[] = new Array(chains.length).fill(undefined);
    let next = 0;
    let firstBroken = Infinity;
    const lane = async () => {
      while (next < chains.length && next < firstBroken) {
        const i = next++;
        const outcome = await this.verifyChain(chains[i], proofs.get(chains[i]), remote);
        outcomes[i] = outcome;
        if (outcome.broken) firstBroken = Math.min(firstBroken, i);
      }
    };
    const lanes = this.options.concurrency ?? remote?.lanes ?? 2;
    await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
    return outcomes;
  }

  /**
   * The store's verification threads for a log of THREADS_FROM_RECORDS or more, started first if need be: checking a
   * large log here would take the event loop from the decisions it serves for seconds, and is slower than starting
   * the threads (under swc-node a thread compiles its TypeScript first, about a second). A smaller log is checked here
   * faster than threads start, so it does not start them.
   */
  private async chainVerifierToUse(heads: readonly { readonly sequence: number }[]): Promise<AuditChainVerifier | undefined> {
    const remote = this.options.store.chainVerifier;
    if (remote === undefined || remote.ready()) return remote;
    if (heads.reduce((records, head) => records + head.sequence, 0) < (this.options.threadsFromRecords ?? THREADS_FROM_RECORDS)) return undefined;
    await remote.prepare();
    // prepare() never rejects: threads that could not start leave the log to this event loop rather than unverified.
    return remote.ready() ? remote : undefined;
  }

  /** A chain on the store's verification threads when they are ready, else here, page by page. */
  private verifyChain(chain: number, proofs: ChainProofs | undefined, remote: AuditChainVerifier | undefined): Promise<ChainOutcome> {
    if (remote !== undefined) return remote.verifyChain(chain, proofs, this.options.pageSize);
    return checkChainPages(chain, proofs, this.pageSize, (from, limit) => this.options.store.readChain(chain, from, limit));
  }
}
