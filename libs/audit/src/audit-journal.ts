import { KairosError } from '@kairos/contracts';
import type { Logger } from '@kairos/observability';
import { chainFor, type ChainHead } from './audit-chain';
import type { AuditCheckpointer } from './audit-checkpointer';
import { parseAuditDraft } from './audit-draft.schema';
import { GENESIS_HASH } from './audit-hash';
import { newAuditRecordId } from './audit-record-id';
import { encodeDraftFast, encodeParsedDraft, type EncodedDraft } from './audit-draft-encoding';
import { chainRecord, encodedContent, type EncodedAuditContent, type StoredAuditRecord } from './audit-record-body';
import type { AuditReceipt, AuditRecordDraft, AuditTrail, PersonalDataCipher } from './audit-record';
import { AuditChainConflictError, type AuditRecordStore } from './audit-record-store';
import { CanonicalJsonError } from './canonical-json';

export interface AuditJournalOptions {
  readonly store: AuditRecordStore;
  readonly cipher: PersonalDataCipher;
  /** Partitions of the event log: records about a customer go to that customer's partition's chain. */
  readonly partitionCount: number;
  /** A flush is started once this many records wait (default: the store's preferredMaxBatchSize, else 1,000)… */
  readonly maxBatchSize?: number;
  /** …or once the oldest has waited this long (ms; default: the store's preferredMaxBatchDelayMs, else 2). 0: at once, after the current task. */
  readonly maxBatchDelayMs?: number;
  /**
   * Flushes that may be under way at once (default: the store's preferredConcurrentFlushes, else 1). With a database server (PostgreSQL) a second flush overlaps
   * the first one's round trips; the chain locks still place the two batches one after the other.
   */
  readonly maxConcurrentFlushes?: number;
  /** How often a batch is re-placed after another writer took its place in a chain. */
  readonly maxConflictRetries?: number;
  /** Signs checkpoints; without it the journal writes none (a verifier then cannot catch a cut tail). */
  readonly checkpointer?: AuditCheckpointer;
  readonly checkpointEveryRecords?: number;
  readonly checkpointEveryMs?: number;
  readonly logger?: Logger;
  readonly clock?: () => number;
}

interface PendingRecord {
  readonly id: string;
  readonly chain: number;
  readonly content: EncodedAuditContent;
  readonly resolve: (receipt: AuditReceipt) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The audit trail: validates drafts, seals their personal data, and appends them to the hash chains with group
 * commit — concurrent appends are gathered and written in one transaction per flush, and each promise resolves only
 * after that transaction committed. Placement (sequence and prevHash) is decided inside the store's transaction from
 * the heads it reads under the chain lock, so writers in other processes can neither fork a chain nor leave a gap.
 *
 * Appends without personal data join the queue in call order (records of one customer stay in the order they were
 * made); an append with personal data joins once it is sealed.
 */
export class AuditJournal implements AuditTrail {
  private readonly maxBatchSize: number;
  private readonly maxBatchDelayMs: number;
  private readonly maxConflictRetries: number;
  private readonly clock: () => number;
  private readonly pending: PendingRecord[] = [];
  private readonly maxConcurrentFlushes: number;
  /** Cancels the scheduled flush; set while one is scheduled. */
  private cancelScheduledFlush: (() => void) | undefined;
  private readonly flushing = new Set<Promise<void>>();
  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointing: Promise<unknown> | undefined;
  private sinceCheckpoint = 0;
  private closed = false;

  constructor(private readonly options: AuditJournalOptions) {
    if (!Number.isInteger(options.partitionCount) || options.partitionCount < 1) throw new Error('partitionCount must be a positive integer');
    this.maxBatchSize = options.maxBatchSize ?? options.store.preferredMaxBatchSize ?? 1_000;
    this.maxBatchDelayMs = options.maxBatchDelayMs ?? options.store.preferredMaxBatchDelayMs ?? 2;
    this.maxConflictRetries = options.maxConflictRetries ?? 50;
    this.maxConcurrentFlushes = options.maxConcurrentFlushes ?? options.store.preferredConcurrentFlushes ?? 1;
    this.clock = options.clock ?? Date.now;
    const everyMs = options.checkpointEveryMs ?? 60_000;
    if (options.checkpointer && everyMs > 0) {
      this.checkpointTimer = setInterval(() => {
        if (this.sinceCheckpoint > 0) void this.checkpointInBackground();
      }, everyMs);
      this.checkpointTimer.unref();
    }
  }

  append(draft: AuditRecordDraft): Promise<AuditReceipt> {
    if (this.closed) return Promise.reject(new KairosError('AUDIT_UNAVAILABLE', 'the audit journal is closed', [], 1));
    let encoded: EncodedDraft;
    try {
      // Validated and encoded in one walk; whatever that walk cannot vouch for goes through zod (and its refusal).
      encoded = encodeDraftFast(draft) ?? encodeParsedDraft(parseAuditDraft(draft));
    } catch (error) {
      return Promise.reject(refusalOf(error));
    }
    const occurredAtMs = encoded.occurredAtMs ?? this.clock();
    if (encoded.personalData === undefined) return this.enqueue(encoded, occurredAtMs, undefined);
    return this.options.cipher.seal(encoded.subject!, encoded.personalData).then((sealed) => this.enqueue(encoded, occurredAtMs, sealed));
  }

  /** Signs a checkpoint over every chain head now (after the records queued so far are written). */
  async checkpointNow(): Promise<void> {
    if (!this.options.checkpointer) throw new Error('this journal has no checkpointer');
    await this.drain();
    await this.runCheckpoint();
  }

  /** Writes what is queued, refuses new appends, and signs a last checkpoint if anything was written since. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    await this.drain();
    await this.checkpointing?.catch(() => undefined);
    if (this.options.checkpointer && this.sinceCheckpoint > 0) await this.runCheckpoint();
  }

  private enqueue(draft: EncodedDraft, occurredAtMs: number, sealedPersonalData: string | undefined): Promise<AuditReceipt> {
    let content: EncodedAuditContent;
    try {
      content = encodedContent(draft, occurredAtMs, sealedPersonalData);
    } catch (error) {
      return Promise.reject(refusalOf(error));
    }
    return new Promise<AuditReceipt>((resolve, reject) => {
      this.pending.push({ id: newAuditRecordId(), chain: chainFor(draft.subject, this.options.partitionCount), content, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.pending.length === 0) return;
    if (this.pending.length >= this.maxBatchSize) {
      this.startFlush();
    } else if (this.cancelScheduledFlush === undefined && this.flushing.size < this.maxConcurrentFlushes) {
      this.cancelScheduledFlush = this.scheduleFlush();
    }
  }

  private scheduleFlush(): () => void {
    if (this.maxBatchDelayMs === 0) {
      const immediate = setImmediate(() => this.startFlush());
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(() => this.startFlush(), this.maxBatchDelayMs);
    return () => clearTimeout(timer);
  }

  /** Takes one batch off the queue and commits it; a finished flush starts the next one for whatever queued up. */
  private startFlush(): void {
    this.cancelScheduledFlush?.();
    this.cancelScheduledFlush = undefined;
    if (this.flushing.size >= this.maxConcurrentFlushes || this.pending.length === 0) return;
    const flush: Promise<void> = this.commit(this.pending.splice(0, this.maxBatchSize)).finally(() => {
      this.flushing.delete(flush);
      // Records that queued during the commit have waited long enough: no timer for them.
      if (this.pending.length > 0) this.startFlush();
    });
    this.flushing.add(flush);
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.flushing.size > 0) await Promise.race(this.flushing);
      else if (this.pending.length > 0) this.startFlush();
      else return;
    }
  }

  private async commit(batch: readonly PendingRecord[]): Promise<void> {
    const chains = [...new Set(batch.map((entry) => entry.chain))].sort((a, b) => a - b);
    for (let attempt = 0; ; attempt++) {
      try {
        const records = await this.options.store.appendBatch(chains, (heads) => this.place(batch, heads));
        records.forEach((record, i) => batch[i].resolve({ id: record.id, chain: record.chain, sequence: record.sequence, hash: record.hash }));
        this.afterCommit(records.length);
        return;
      } catch (error) {
        if (error instanceof AuditChainConflictError && attempt < this.maxConflictRetries) {
          await sleep(Math.random() * Math.min(50, 2 ** attempt));
          continue;
        }
        this.options.logger?.error({ errorName: (error as Error)?.name, records: batch.length }, 'audit batch not written');
        const refusal = new KairosError('AUDIT_UNAVAILABLE', 'the audit log could not be written; nothing was recorded', [], 1);
        for (const entry of batch) entry.reject(refusal);
        return;
      }
    }
  }

  /** Runs inside the store's transaction, with the heads read under the chain lock. */
  private place(batch: readonly PendingRecord[], heads: ReadonlyMap<number, ChainHead>): StoredAuditRecord[] {
    const tips = new Map<number, { sequence: number; hash: string }>();
    const recordedAtMs = this.clock();
    return batch.map((entry) => {
      const tip = tips.get(entry.chain) ?? heads.get(entry.chain) ?? { sequence: 0, hash: GENESIS_HASH };
      const record = chainRecord(entry.content, { id: entry.id, chain: entry.chain, sequence: tip.sequence + 1, prevHash: tip.hash, recordedAtMs });
      tips.set(entry.chain, record);
      return record;
    });
  }

  private afterCommit(count: number): void {
    this.sinceCheckpoint += count;
    if (this.options.checkpointer && this.sinceCheckpoint >= (this.options.checkpointEveryRecords ?? 10_000)) void this.checkpointInBackground();
  }

  private async checkpointInBackground(): Promise<void> {
    if (this.checkpointing) return;
    try {
      await this.runCheckpoint();
    } catch (error) {
      this.options.logger?.error({ errorName: (error as Error)?.name }, 'audit checkpoint failed; retried at the next interval');
    }
  }

  private async runCheckpoint(): Promise<void> {
    while (this.checkpointing) await this.checkpointing.catch(() => undefined);
    const written = this.sinceCheckpoint;
    const run = this.options.checkpointer!.checkpoint();
    this.checkpointing = run;
    try {
      await run;
      this.sinceCheckpoint -= written;
    } finally {
      this.checkpointing = undefined;
    }
  }
}

/** A value without one JSON form is the caller's error, named like a schema refusal. */
function refusalOf(error: unknown): unknown {
  if (!(error instanceof CanonicalJsonError)) return error;
  return new KairosError('VALIDATION_FAILED', 'the audit record draft has no canonical JSON form', [{ path: error.path, rule: 'canonical_json', message: error.message }]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
