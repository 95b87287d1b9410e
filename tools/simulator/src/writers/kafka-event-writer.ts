import type { IncomingEvent } from '@kairos/contracts';
import { routingKeyOf } from './event-routing-key';

/** The slice of a kafkajs `Producer` the writer needs; pass a connected producer (or any stand-in). */
export interface KafkaLikeProducer {
  send(record: { topic: string; messages: KafkaLikeMessage[]; acks?: number }): Promise<unknown>;
}

export interface KafkaLikeMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
}

export interface KafkaWriterOptions {
  readonly producer: KafkaLikeProducer;
  readonly topic?: string;
  /** Messages per `send` call. */
  readonly batchSize?: number;
}

export interface KafkaWriteReport {
  readonly events: number;
  readonly sends: number;
}

/** Where outside producers write raw envelopes for ingestion to validate (override to match the deployment). */
export const DEFAULT_SOURCE_TOPIC = 'kairos.source-events';

/**
 * Writes envelopes to the source topic, keyed by customer id so Kafka's default partitioner (murmur2 of the key)
 * puts each customer's events on one partition in order. Sends are sequential and wait for all in-sync replicas
 * (acks -1), so a resolved call means every message is durably in the topic.
 */
export async function writeEventsToKafka(
  events: Iterable<IncomingEvent> | AsyncIterable<IncomingEvent>,
  options: KafkaWriterOptions,
): Promise<KafkaWriteReport> {
  const topic = options.topic ?? DEFAULT_SOURCE_TOPIC;
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  let messages: KafkaLikeMessage[] = [];
  let count = 0;
  let sends = 0;
  for await (const event of events) {
    messages.push(toMessage(event));
    count++;
    if (messages.length >= batchSize) {
      await options.producer.send({ topic, messages, acks: -1 });
      sends++;
      messages = [];
    }
  }
  if (messages.length > 0) {
    await options.producer.send({ topic, messages, acks: -1 });
    sends++;
  }
  return { events: count, sends };
}

/** Key: the customer id, or for events that name their customer only by identifier, that identifier. */
export function toMessage(event: IncomingEvent): KafkaLikeMessage {
  return { key: routingKeyOf(event), value: JSON.stringify(event), headers: { 'event-id': event.id, 'event-type': event.type } };
}
