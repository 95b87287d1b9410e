import { GENESIS_HASH, sha256Hex } from './audit-hash';
import type { StoredAuditRecord } from './audit-record-body';
import type { ChainProofs } from './checkpoint-evidence';
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

/** What checking one whole chain found: plain data, so that it can cross a thread boundary as it is. */
export interface ChainOutcome {
  readonly verified: number;
  readonly lastSequence: number;
  readonly broken?: AuditChainBreak;
}

/**
 * The check of one chain, fed its rows page by page in (sequence, id) order: sequence contiguity, the SHA-256 of each
 * stored body, the link to the predecessor, columns agreeing with the body, and the hashes the signed checkpoints vouch
 * for. Pure and synchronous, so the same code runs on the event loop or on a verification thread beside its own
 * database connection. Per record it hashes the stored body once and compares strings.
 *
 * Pages start at the last sequence already checked (inclusive, see `nextPageFrom`), so that a forged twin of it is not
 * skipped: only the very row checked before (same id) is passed over, once per page.
 */
export class ChainCheck {
  private readonly proofSequences: readonly number[];
  private readonly proofHashes: readonly string[];
  private proof = 0;
  private provenThrough = 0;
  private expected = 1;
  private prevHash = GENESIS_HASH;
  private lastId = '';
  private verified = 0;
  private overlap = false;
  private broken: AuditChainBreak | undefined;

  constructor(
    readonly chain: number,
    proofs: ChainProofs | undefined,
  ) {
    this.proofSequences = proofs?.sequences ?? [];
    this.proofHashes = proofs?.hashes ?? [];
  }

  /** Where the first page starts. */
  static readonly FIRST_SEQUENCE = 1;

  /**
   * Checks one page; returns false once the chain is broken (stop reading). A page shorter than asked for is the last.
   * The next page starts at the sequence of this page's last row.
   */
  checkPage(page: readonly StoredAuditRecord[]): boolean {
    if (this.broken !== undefined) return false;
    this.overlap = this.expected > 1;
    for (let i = 0; i < page.length; i++) {
      if (!this.checkRow(page[i])) return false;
    }
    return true;
  }

  /**
   * Checks the next record of a chain read in one pass, in (sequence, id) order and without pages (so without the
   * overlap a page starts with); returns false once the chain is broken (stop reading). A reader that streams the rows
   * checks each as it arrives, and no page of them stays alive meanwhile.
   *
   * `bodyBytes`, when the reader has them, are the stored body exactly as the database sent it, and what is hashed
   * (instead of encoding `row.body` back into bytes). `row.body` is then only searched and compared with the other
   * columns, so a reader may give every text of the row as byte strings (one character per byte) instead of decoding
   * it: the column check searches ASCII patterns only, which UTF-8 never uses inside a multi-byte character.
   */
  checkNext(row: StoredAuditRecord, bodyBytes?: Uint8Array): boolean {
    return this.broken === undefined && this.checkRow(row, bodyBytes);
  }

  /** The outcome once every page was fed (or checkPage returned false). */
  finish(): ChainOutcome {
    if (this.broken === undefined && this.proof < this.proofSequences.length) this.breakAt(this.expected, 'truncated');
    return this.broken === undefined ? { verified: this.verified, lastSequence: this.expected - 1 } : { verified: this.verified, lastSequence: this.expected - 1, broken: this.broken };
  }

  private checkRow(row: StoredAuditRecord, bodyBytes?: Uint8Array): boolean {
    const expected = this.expected;
    if (this.overlap && row.sequence === expected - 1 && row.id === this.lastId) {
      this.overlap = false;
      return true;
    }
    if (row.sequence !== expected) {
      return row.sequence < expected ? this.breakAt(row.sequence, 'duplicate_sequence') : this.breakAt(expected, 'missing_record');
    }
    if (sha256Hex(bodyBytes ?? row.body) !== row.hash) return this.breakAt(expected, 'hash_mismatch');
    if (row.prevHash !== this.prevHash) return this.breakAt(expected, 'broken_link');
    const column = row.chain === this.chain ? columnDisagreement(row) : 'chain';
    if (column !== null) return this.breakAt(expected, 'column_mismatch', column);
    if (this.proof < this.proofSequences.length && this.proofSequences[this.proof] === expected) {
      if (this.proofHashes[this.proof] !== row.hash) return this.breakAt(this.provenThrough + 1, 'checkpoint_mismatch');
      this.provenThrough = expected;
      this.proof++;
    }
    this.prevHash = row.hash;
    this.lastId = row.id;
    this.expected = expected + 1;
    this.verified++;
    return true;
  }

  private breakAt(sequence: number, reason: AuditBreakReason, column?: string): false {
    this.broken = { chain: this.chain, sequence, reason, ...(column ? { column } : {}) };
    return false;
  }
}

/**
 * Feeds a chain to a ChainCheck through `readPage(fromSequence, limit)`, the next page requested while this one is
 * checked (a database then works while this thread hashes).
 */
export async function checkChainPages(
  chain: number,
  proofs: ChainProofs | undefined,
  pageSize: number,
  readPage: (fromSequence: number, limit: number) => Promise<readonly StoredAuditRecord[]>,
): Promise<ChainOutcome> {
  const check = new ChainCheck(chain, proofs);
  let next: Promise<readonly StoredAuditRecord[]> | undefined = readPage(ChainCheck.FIRST_SEQUENCE, pageSize);
  while (next !== undefined) {
    const page: readonly StoredAuditRecord[] = await next;
    next = page.length === pageSize ? readPage(page[page.length - 1].sequence, pageSize) : undefined;
    if (!check.checkPage(page)) {
      next?.catch(() => undefined);
      break;
    }
  }
  return check.finish();
}
