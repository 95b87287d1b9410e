import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { OutboxEntry } from '@kairos/persistence';
import { messageIdOf, outboxMessageOf } from '../outbox-message';
import type { ChannelPublisher } from './channel-publisher';

export interface KafkaActionPublisherOptions {
  readonly brokers: readonly string[];
  /** Topic of a channel is `${topicPrefix}${channel}` (default `kairos.actions.`). */
  readonly topicPrefix?: string;
  readonly clientId?: string;
  /** Partitions of a channel topic this publisher creates when the broker does not auto-create topics (default 12). */
  readonly partitionsPerTopic?: number;
}

/** Header consumers dedupe by: `${decisionId}:${actionId}`. */
export const ACTION_MESSAGE_ID_HEADER = 'kairos-message-id';

/**
 * Kafka mode: one topic per channel, keyed by the pseudonymous customer id (a customer's actions stay in order),
 * every record with the message id header. The idempotent producer drops its own retries; a crash between send and
 * "mark published" still re-sends, which the consumer's dedupe by message id absorbs.
 */
export class KafkaActionPublisher implements ChannelPublisher {
  readonly kind = 'kafka' as const;
  private producer: Producer | null = null;
  private kafka: Kafka | null = null;
  private readonly prefix: string;
  /** Topics known to exist: checked once per process, not per batch. */
  private readonly existingTopics = new Set<string>();

  constructor(private readonly options: KafkaActionPublisherOptions) {
    this.prefix = options.topicPrefix ?? 'kairos.actions.';
  }

  topicOf(channel: string): string {
    return `${this.prefix}${channel}`;
  }

  async publish(entries: readonly OutboxEntry[]): Promise<readonly (string | null)[]> {
    try {
      const producer = await this.connected();
      const byTopic = new Map<string, OutboxEntry[]>();
      for (const entry of entries) {
        const topic = this.topicOf(entry.channel);
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), entry]);
      }
      await this.ensureTopics([...byTopic.keys()]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, rows]) => ({
          topic,
          messages: rows.map((entry) => ({
            key: entry.customerId,
            value: JSON.stringify(outboxMessageOf(entry)),
            headers: { [ACTION_MESSAGE_ID_HEADER]: messageIdOf(entry.decisionId, entry.actionId) },
          })),
        })),
      });
      return entries.map(() => null);
    } catch (error) {
      // A failed producer may hold a half-sent batch: replace it, the retry re-sends everything.
      await this.close();
      const text = `kafka publish failed: ${(error as Error).message}`;
      return entries.map(() => text);
    }
  }

  /**
   * Connects the producer and creates the channels' topics ahead of the first action: otherwise the first actions
   * after a start wait for both (about 0.7 s measured on the local broker). A failure is left to the first publish,
   * which tries again.
   */
  async prepare(channels: readonly string[]): Promise<void> {
    await this.connected();
    await this.ensureTopics(channels.map((channel) => this.topicOf(channel)));
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    await producer?.disconnect().catch(() => undefined);
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.kafka ??= new Kafka({ clientId: this.options.clientId ?? 'kairos-outbox', brokers: [...this.options.brokers], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  /**
   * Brokers set up like ours (`auto.create.topics.enable=false`) refuse records for unknown topics, and the outbox
   * would keep its actions pending forever: a channel's topic is created on its first action.
   */
  private async ensureTopics(topics: readonly string[]): Promise<void> {
    const missing = topics.filter((topic) => !this.existingTopics.has(topic));
    if (missing.length === 0 || this.kafka === null) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const known = new Set(await admin.listTopics());
      const toCreate = missing.filter((topic) => !known.has(topic));
      // createTopics answers false, not an error, when another process created the topic first.
      if (toCreate.length > 0) await admin.createTopics({ topics: toCreate.map((topic) => ({ topic, numPartitions: this.options.partitionsPerTopic ?? 12 })), waitForLeaders: true });
      for (const topic of missing) this.existingTopics.add(topic);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
