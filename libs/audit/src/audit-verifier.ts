import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, sha256Hex } from './audit-hash';
import type { StoredAuditRecord } from './audit-record-body';
import type { AuditRecordStore } from './audit-record-store';
import { isCheckpointProblem, readCheckpointEvidence, type ChainProofs, type CheckpointProblem } from './checkpoint-evidence';
import { columnDisagreement } from './record-body-columns';

export type AuditBreakReason =
  /** A sequence number is skipped: the record was deleted (or the rows after it renumbered). */
  | 'missing_record'
  /** Two rows claim the same place in the chain: a forged row inserted beside the real one. */
  | 'duplicate_sequence'
  /** The stored hash is not the SHA-256 of the stored body: a hashed field was changed. */
  | 'hash_mismatch'
  /** The record does not point at its predecessor's hash: rows deleted, swapped or forged. */
  | 'broken_link'
  /** A filter column (kind, subject, …) or the row's place no longer agrees with the hashed body. */
  | 'column_mismatch'
  /** The chain is self-consistent but differs from what a signed checkpoint vouched for: rewritten with recomputed
   * hashes. The sequence named is the first one no matching checkpoint proves. */
  | 'checkpoint_mismatch'
  /** A signed checkpoint vouches for records the chain no longer has: the tail was cut. */
  | 'truncated';

export interface AuditChainBreak {
  readonly chain: number;
  readonly sequence: number;
  readonly reason: AuditBreakReason;
  /** For column_mismatch, which column. */
  readonly column?: string;
}

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
   * Chains checked at the same time (default 2). Against a database server the reads of one chain wait on the server
   * while another chain's pages are hashed; the result is the same as checking them one by one.
   */
  readonly concurrency?: number;
}

interface ChainOutcome {
  readonly verified: number;
  readonly lastSequence: number;
  readonly broken?: AuditChainBreak;
}

/**
 * Checks the whole audit log: every chain streamed in pages (sequence contiguity, SHA-256 of each stored body, the
 * link to the predecessor, columns agreeing with the body), and every signed checkpoint in the external file (see
 * checkpoint-evidence.ts) against the chains. It stops at the first break and names its chain and sequence.
 *
 * Per record it hashes the stored body once and compares strings; pages are fetched one ahead so the database works
 * while this process hashes.
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
    const outcomes = await this.verifyChains(chains, evidence.proofs);
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
  private async verifyChains(chains: readonly number[], proofs: ReadonlyMap<number, ChainProofs>): Promise<(ChainOutcome | undefined)[]> {
    const outcomes: (ChainOutcome | undefined)[] = new Array(chains.length).fill(undefined);
    let next = 0;
    let firstBroken = Infinity;
    const lane = async () => {
      while (next < chains.length && next < firstBroken) {
        const i = next++;
        const outcome = await this.verifyChain(chains[i], proofs.get(chains[i]));
        outcomes[i] = outcome;
        if (outcome.broken) firstBroken = Math.min(firstBroken, i);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency ?? 2) }, lane));
    return outcomes;
  }

  private async verifyChain(chain: number, proofs: ChainProofs | undefined): Promise<ChainOutcome> {
    const proofSequences = proofs?.sequences ?? [];
    const proofHashes = proofs?.hashes ?? [];
    let proof = 0;
    let provenThrough = 0;
    let expected = 1;
    let prevHash = GENESIS_HASH;
    let lastId = '';
    let verified = 0;
    const broken = (sequence: number, reason: AuditBreakReason, column?: string): ChainOutcome => ({
      verified,
      lastSequence: expected - 1,
      broken: { chain, sequence, reason, ...(column ? { column } : {}) },
    });

    let next: Promise<StoredAuditRecord[]> | undefined = this.options.store.readChain(chain, 1, this.pageSize);
    while (next !== undefined) {
      const page: StoredAuditRecord[] = await next;
      next = page.length === this.pageSize ? this.options.store.readChain(chain, page[page.length - 1].sequence, this.pageSize) : undefined;
      // Pages start at the last sequence already checked (inclusive), so that a forged twin of it is not skipped: only
      // the very row checked before (same id) is passed over, once.
      let overlap = expected > 1;
      for (const row of page) {
        if (overlap && row.sequence === expected - 1 && row.id === lastId) {
          overlap = false;
          continue;
        }
        let outcome: ChainOutcome | undefined;
        if (row.sequence !== expected) {
          outcome = row.sequence < expected ? broken(row.sequence, 'duplicate_sequence') : broken(expected, 'missing_record');
        } else if (sha256Hex(row.body) !== row.hash) {
          outcome = broken(expected, 'hash_mismatch');
        } else if (row.prevHash !== prevHash) {
          outcome = broken(expected, 'broken_link');
        } else {
          const column = row.chain === chain ? columnDisagreement(row) : 'chain';
          if (column !== null) outcome = broken(expected, 'column_mismatch', column);
          else if (proof < proofSequences.length && proofSequences[proof] === expected) {
            if (proofHashes[proof] !== row.hash) outcome = broken(provenThrough + 1, 'checkpoint_mismatch');
            provenThrough = expected;
            proof++;
          }
        }
        if (outcome !== undefined) {
          next?.catch(() => undefined);
          return outcome;
        }
        prevHash = row.hash;
        lastId = row.id;
        expected++;
        verified++;
      }
    }
    if (proof < proofSequences.length) return broken(expected, 'truncated');
    return { verified, lastSequence: expected - 1 };
  }
}
