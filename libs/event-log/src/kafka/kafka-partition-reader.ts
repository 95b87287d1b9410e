import { KairosError, LoggedEvent } from '@kairos/contracts';
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Kafka } from 'kafkajs';
import { decodeLoggedEvent } from './customer-event-codec';
import { logUnavailable } from './kafka-connection';

const READ_TIMEOUT_MS = 30_000;

/**
 * Reads a range of one partition for replays and simulations. kafkajs has no manual partition assignment, so each
 * read joins a throw-away consumer group, seeks, and deletes the group afterwards: fine for replays, far too slow
 * for a hot path (a group join costs a few round-trips, plus the broker's `group.initial.rebalance.delay.ms`).
 * Records that are not valid customer events are skipped here; the live consumer dead-letters them.
 */
export class KafkaPartitionReader {
  private readonly active = new Set<Consumer>();

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly groupPrefix: string,
  ) {}

  async read(partition: number, fromOffset: number, limit: number): Promise<readonly LoggedEvent[]> {
    if (limit <= 0) return [];
    const { low, high } = await this.watermarks(partition);
    const start = Math.max(fromOffset, low);
    if (start >= high) return [];
    return this.session(partition, rangePlan(start, high, limit));
  }

  /**
   * The records at exactly these offsets of one partition (a customer's events, located through the event index),
   * in offset order. Offsets below the low watermark were deleted by retention and are skipped; between wanted
   * offsets far apart the reader seeks instead of reading everything in between.
   */
  async readOffsets(partition: number, offsets: readonly number[]): Promise<readonly LoggedEvent[]> {
    const { low, high } = await this.watermarks(partition);
    const wanted = [...new Set(offsets)].filter((o) => o >= low && o < high).sort((a, b) => a - b);
    if (wanted.length === 0) return [];
    return this.session(partition, offsetsPlan(wanted));
  }

  private async watermarks(partition: number): Promise<{ low: number; high: number }> {
    let watermarks;
    try {
      watermarks = await this.admin.fetchTopicOffsets(this.topic);
    } catch (error) {
      throw logUnavailable('read', error);
    }
    const range = watermarks.find((w) => w.partition === partition);
    if (!range) throw new KairosError('NOT_FOUND', `partition ${partition} does not exist`);
    return { low: Number(range.low), high: Number(range.high) };
  }

  private async session(partition: number, plan: ReadPlan): Promise<LoggedEvent[]> {
    const groupId = `${this.groupPrefix}.reader.${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, sessionTimeout: 6000, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    this.active.add(consumer);
    try {
      return await this.collect(consumer, partition, plan);
    } catch (error) {
      throw error instanceof KairosError ? error : logUnavailable('read', error);
    } finally {
      this.active.delete(consumer);
      await consumer.disconnect().catch(() => undefined);
      await this.admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.active].map((c) => c.disconnect().catch(() => undefined)));
  }

  private async collect(consumer: Consumer, partition: number, plan: ReadPlan): Promise<LoggedEvent[]> {
    const records: LoggedEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(logUnavailable('read', new Error(`no answer within ${READ_TIMEOUT_MS} ms`))), READ_TIMEOUT_MS);
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const others = (payload.memberAssignment[this.topic] ?? []).filter((p) => p !== partition);
        if (others.length > 0) consumer.pause([{ topic: this.topic, partitions: others }]);
        consumer.seek({ topic: this.topic, partition, offset: String(plan.start) });
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer
        .connect()
        .then(() => consumer.subscribe({ topics: [this.topic], fromBeginning: true }))
        .then(() =>
          consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch, isStale }) => {
              if (batch.partition !== partition || isStale() || plan.complete()) return;
              let last = -1;
              for (const message of batch.messages) {
                const offset = Number(message.offset);
                last = offset;
                if (!plan.wants(offset)) continue;
                const decoded = decodeLoggedEvent(message.value, partition, offset);
                if (decoded.ok) records.push(decoded.value);
                plan.taken(offset, decoded.ok);
                if (plan.complete()) return resolve();
              }
              if (last >= 0) {
                plan.passed(last);
                if (plan.complete()) return resolve();
                const next = plan.seekAfter(last);
                if (next !== null) consumer.seek({ topic: this.topic, partition, offset: String(next) });
              }
            },
          }),
        )
        .catch(reject);
    });
    try {
      await done;
    } finally {
      clearTimeout(timer);
    }
    return records;
  }
}

/** What one read session wants from the partition, record by record. */
interface ReadPlan {
  readonly start: number;
  wants(offset: number): boolean;
  /** A wanted record was read; `valid` is false for one that is not a customer event (skipped). */
  taken(offset: number, valid: boolean): void;
  /** Every offset up to `offset` has been seen. */
  passed(offset: number): void;
  complete(): boolean;
  /** Where to continue after a batch ending at `lastOffset` when that is not simply the next offset. */
  seekAfter(lastOffset: number): number | null;
}

function rangePlan(start: number, high: number, limit: number): ReadPlan {
  let taken = 0;
  let reachedEnd = false;
  return {
    start,
    wants: (offset) => offset >= start && taken < limit,
    taken: (offset, valid) => {
      if (valid) taken++;
      if (offset >= high - 1) reachedEnd = true;
    },
    passed: (offset) => {
      if (offset >= high - 1) reachedEnd = true;
    },
    complete: () => taken >= limit || reachedEnd,
    seekAfter: () => null,
  };
}

function offsetsPlan(sortedOffsets: readonly number[]): ReadPlan {
  const remaining = new Set(sortedOffsets);
  const lowestRemaining = () => {
    for (const offset of sortedOffsets) if (remaining.has(offset)) return offset;
    return null;
  };
  return {
    start: sortedOffsets[0],
    wants: (offset) => remaining.has(offset),
    taken: (offset) => void remaining.delete(offset),
    // An offset that never came back (a gap in the log) is given up once the reader is past it.
    passed: (offset) => {
      for (const wanted of remaining) if (wanted <= offset) remaining.delete(wanted);
    },
    complete: () => remaining.size === 0,
    seekAfter: (lastOffset) => {
      const next = lowestRemaining();
      return next !== null && next > lastOffset + 1 ? next : null;
    },
  };
}
