import type { TraceStage, TraceStageName } from '@kairos/customer-state';
import type { Logger } from '@kairos/observability';
import type { StoredTriggerTrace, TriggerTraceRepository } from '@kairos/persistence';

export interface PersistedTriggerTracesOptions {
  readonly store: Pick<TriggerTraceRepository, 'append' | 'stagesOf' | 'trim' | 'deleteRecordedBefore'>;
  readonly logger: Logger;
  /** How often buffered stages are written (ms). Default 250. */
  readonly flushEveryMs?: number;
  /** Stages buffered at most; beyond it new ones are dropped and counted (the database is behind). Default 20,000. */
  readonly maxBuffered?: number;
  /** Stages kept in the table at most (oldest go first). Default 500,000. */
  readonly keep?: number;
  /** Age after which stored stages go (ms). Default 30 days, like snapshots. */
  readonly maxAgeMs?: number;
  /** How often the table is pruned to `keep` and `maxAgeMs` (ms). Default one minute. */
  readonly pruneEveryMs?: number;
  readonly clock?: () => number;
}

/**
 * Trigger trace stages kept past a restart, for `GET /v1/events/{id}/trace`. `record` only appends to a buffer (the
 * event path never waits on the database); a timer writes the buffer in batches and prunes the table by count and
 * age. What is buffered when the process dies is lost with it — the trace is an aid to explanation, the audit
 * trail is the record. Stages hold ids, counts and trigger names only, never a customer id or personal data.
 */
export class PersistedTriggerTraces {
  private buffer: StoredTriggerTrace[] = [];
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastPruneMs = 0;
  private droppedStages = 0;
  private readonly clock: () => number;

  constructor(private readonly options: PersistedTriggerTracesOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Stages dropped because the buffer was full. */
  get dropped(): number {
    return this.droppedStages;
  }

  record(partition: number, eventId: string, stage: TraceStage): void {
    if (this.buffer.length >= (this.options.maxBuffered ?? 20_000)) {
      this.droppedStages++;
      return;
    }
    this.buffer.push({ eventId, partition, stage: stage.stage, at: stage.at, detail: JSON.stringify(stage.detail ?? {}), recordedAtMs: this.clock() });
  }

  /** The stored stages of an event, buffered ones included, in the order they were recorded. */
  async stagesFor(eventId: string): Promise<TraceStage[]> {
    const stored = await this.options.store.stagesOf([eventId]);
    const buffered = this.buffer.filter((row) => row.eventId === eventId);
    return [...stored, ...buffered].map((row) => ({ stage: row.stage as TraceStageName, at: row.at, detail: JSON.parse(row.detail) as Record<string, string | number | boolean> }));
  }

  /** Writes what is buffered; concurrent calls share the write in flight. */
  flush(): Promise<void> {
    this.writing ??= this.write().finally(() => (this.writing = null));
    return this.writing;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.options.flushEveryMs ?? 250);
    this.timer.unref();
  }

  /** Stops the timer and writes what is buffered (call before the database closes). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writing;
    await this.flush();
  }

  private async write(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    try {
      if (batch.length > 0) await this.options.store.append(batch);
      await this.prune();
    } catch (error) {
      this.droppedStages += batch.length;
      this.options.logger.warn({ err: (error as Error).message, stages: batch.length }, 'writing trigger trace stages failed; they are dropped');
    }
  }

  private async prune(): Promise<void> {
    const nowMs = this.clock();
    if (nowMs - this.lastPruneMs < (this.options.pruneEveryMs ?? 60_000)) return;
    this.lastPruneMs = nowMs;
    await this.options.store.deleteRecordedBefore(nowMs - (this.options.maxAgeMs ?? 30 * 86_400_000));
    await this.options.store.trim(this.options.keep ?? 500_000);
  }
}
