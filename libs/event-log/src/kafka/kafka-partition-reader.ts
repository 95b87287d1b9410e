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
    let watermarks;
    try {
      watermarks = await this.admin.fetchTopicOffsets(this.topic);
    } catch (error) {
      throw logUnavailable('read', error);
    }
    const range = watermarks.find((w) => w.partition === partition);
    if (!range) throw new KairosError('NOT_FOUND', `partition ${partition} does not exist`);
    const start = Math.max(fromOffset, Number(range.low));
    const high = Number(range.high);
    if (start >= high) return [];

    const groupId = `${this.groupPrefix}.reader.${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, sessionTimeout: 6000, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    this.active.add(consumer);
    try {
      return await this.collect(consumer, partition, start, high, limit);
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

  private async collect(consumer: Consumer, partition: number, start: number, high: number, limit: number): Promise<LoggedEvent[]> {
    const records: LoggedEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(logUnavailable('read', new Error(`no answer within ${READ_TIMEOUT_MS} ms`))), READ_TIMEOUT_MS);
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const others = (payload.memberAssignment[this.topic] ?? []).filter((p) => p !== partition);
        if (others.length > 0) consumer.pause([{ topic: this.topic, partitions: others }]);
        consumer.seek({ topic: this.topic, partition, offset: String(start) });
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer
        .connect()
        .then(() => consumer.subscribe({ topics: [this.topic], fromBeginning: true }))
        .then(() =>
          consumer.run({
            autoCommit: false,
            eachBatch: async ({ batch, isStale }) => {
              if (batch.partition !== partition || isStale() || records.length >= limit) return;
              for (const message of batch.messages) {
                const offset = Number(message.offset);
                if (offset < start) continue;
                const decoded = decodeLoggedEvent(message.value, partition, offset);
                if (decoded.ok) records.push(decoded.value);
                if (records.length >= limit || offset >= high - 1) return resolve();
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
