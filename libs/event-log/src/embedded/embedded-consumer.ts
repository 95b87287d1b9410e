import type { LoggedEvent } from '@kairos/contracts';
import type { LogConsumer, PartitionConsumerHandler } from '../event-log.port';
import type { EmbeddedEventLog } from './embedded-event-log';

/** Records handed to the handler per call: big enough to amortise, small enough to keep latency low. */
const BATCH_SIZE = 2_000;
/** Past this many undelivered records a partition stops buffering in memory and catches up from the file. */
const MAX_BUFFERED = 100_000;
/** Back-off before a batch whose handler failed is delivered again. */
const RETRY_DELAY_MS = 1_000;

/**
 * The in-process consumer of the embedded log. One process owns every partition. Each partition has a pump that
 * delivers records in offset order: from the in-memory tail of fresh appends when it is contiguous, otherwise
 * from the file (start-up replay, or after the buffer overflowed).
 */
export class EmbeddedConsumer implements LogConsumer {
  private readonly nextOffsets = new Map<number, number>();
  private readonly buffers = new Map<number, LoggedEvent[]>();
  private readonly pumping = new Set<number>();
  /** Partitions woken while their pump was finishing: the pump runs again, so no append waits for the next one. */
  private readonly rewake = new Set<number>();
  private readonly failures = new Map<number, string>();
  private readonly idle = new Map<number, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly log: EmbeddedEventLog,
    readonly groupId: string,
    private readonly handler: PartitionConsumerHandler,
    private readonly onStop: () => void,
  ) {}

  async start(): Promise<void> {
    const partitions = Array.from({ length: this.log.partitionCount }, (_, p) => p);
    const starts = await this.handler.onAssigned(partitions);
    for (const p of partitions) {
      this.nextOffsets.set(p, starts.get(p) ?? 0);
      this.buffers.set(p, []);
      this.schedule(p);
    }
  }

  notifyAppended(records: readonly LoggedEvent[]): void {
    if (this.stopped) return;
    const touched = new Set<number>();
    for (const record of records) {
      const buffer = this.buffers.get(record.partition);
      if (!buffer) continue;
      if (buffer.length < MAX_BUFFERED) buffer.push(record);
      else buffer.length = 0; // overflow: the pump re-reads from the file
      touched.add(record.partition);
    }
    for (const p of touched) this.schedule(p);
  }

  /**
   * Correctness rests on snapshot offsets, not on this position; it is kept so that retention never deletes a record
   * this group's durable state does not yet reflect.
   */
  async commit(partition: number, nextOffset: number): Promise<void> {
    await this.log.commitOffset(this.groupId, partition, nextOffset);
  }

  assignedPartitions(): readonly number[] {
    return [...this.nextOffsets.keys()];
  }

  async lag(): Promise<ReadonlyMap<number, number>> {
    const lag = new Map<number, number>();
    for (const [p, next] of this.nextOffsets) lag.set(p, Math.max(0, this.log.headOffset(p) - next));
    return lag;
  }

  /** Resolves once every partition has delivered everything appended so far. */
  async drained(): Promise<void> {
    for (;;) {
      await Promise.all(this.idle.values());
      const behind = [...this.nextOffsets].some(([p, next]) => next < this.log.headOffset(p));
      if (!behind || this.stopped) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.idle.values());
    await this.handler.onRevoked([...this.nextOffsets.keys()]);
    this.onStop();
  }

  private schedule(partition: number): void {
    if (this.stopped) return;
    if (this.pumping.has(partition)) {
      this.rewake.add(partition);
      return;
    }
    this.pumping.add(partition);
    this.idle.set(
      partition,
      this.pump(partition).finally(() => {
        this.pumping.delete(partition);
        if (this.rewake.delete(partition)) this.schedule(partition);
      }),
    );
  }

  private async pump(partition: number): Promise<void> {
    // Yield first so appends of the same tick are delivered together.
    await new Promise((resolve) => setImmediate(resolve));
    while (!this.stopped) {
      const next = this.nextOffsets.get(partition)!;
      if (next >= this.log.headOffset(partition)) return;
      const batch = this.takeBatch(partition, next);
      if (batch.length === 0) return;
      try {
        await this.handler.onRecords(partition, batch);
      } catch (error) {
        // The partition holds at this batch and retries it: skipping would lose events, crashing would stop all
        // partitions. The buffer is re-read from the file on the retry.
        this.failures.set(partition, (error as Error).message);
        this.buffers.set(partition, []);
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
        continue;
      }
      this.failures.delete(partition);
      this.nextOffsets.set(partition, batch[batch.length - 1].offset + 1);
    }
  }

  /** Partitions whose handler failed on the batch they hold at, with the last error message. */
  failingPartitions(): ReadonlyMap<number, string> {
    return this.failures;
  }

  private takeBatch(partition: number, next: number): LoggedEvent[] {
    const buffer = this.buffers.get(partition)!;
    let start = 0;
    while (start < buffer.length && buffer[start].offset < next) start++;
    if (start < buffer.length && buffer[start].offset === next) {
      const batch = buffer.slice(start, start + BATCH_SIZE);
      buffer.splice(0, start + batch.length);
      return batch;
    }
    buffer.splice(0, start);
    return this.log.readSync(partition, next, BATCH_SIZE);
  }

  toString(): string {
    return `EmbeddedConsumer(${this.groupId})`;
  }
}
