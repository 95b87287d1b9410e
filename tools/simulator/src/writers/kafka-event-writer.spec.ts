import { partitionForCustomer } from '@kairos/contracts';
import { simulateBank } from '../simulation/bank-simulation';
import { DEFAULT_SOURCE_TOPIC, KafkaLikeMessage, KafkaLikeProducer, writeEventsToKafka } from './kafka-event-writer';

class RecordingProducer implements KafkaLikeProducer {
  readonly sends: { topic: string; messages: KafkaLikeMessage[]; acks?: number }[] = [];
  constructor(private readonly failOnSend = -1) {}

  async send(record: { topic: string; messages: KafkaLikeMessage[]; acks?: number }): Promise<unknown> {
    if (this.sends.length === this.failOnSend) throw new Error('broker unavailable');
    this.sends.push(record);
    return [];
  }
}

describe('writeEventsToKafka', () => {
  const { events } = simulateBank({ seed: 4, customers: 30, days: 5 });

  it('writes every envelope to the source topic keyed by customer id, in order, with acks from all replicas', async () => {
    const producer = new RecordingProducer();
    const report = await writeEventsToKafka(events, { producer, batchSize: 64 });
    expect(report).toEqual({ events: events.length, sends: Math.ceil(events.length / 64) });
    expect(producer.sends.every((s) => s.topic === DEFAULT_SOURCE_TOPIC && s.acks === -1 && s.messages.length <= 64)).toBe(true);
    const messages = producer.sends.flatMap((s) => s.messages);
    expect(messages.map((m) => JSON.parse(m.value))).toEqual(events);
    expect(messages.map((m) => m.key)).toEqual(events.map((e) => e.customerId));
    expect(messages[0].headers).toEqual({ 'event-id': events[0].id, 'event-type': events[0].type });
  });

  it('keys card-only events by card token, which the default partitioner spreads like customer ids', async () => {
    const cardOnly = simulateBank({ seed: 4, customers: 30, days: 5, cardEventsIdentifiedBy: 'cardId' }).events;
    const producer = new RecordingProducer();
    await writeEventsToKafka(cardOnly, { producer, topic: 'bank.raw-events' });
    const messages = producer.sends.flatMap((s) => s.messages);
    expect(producer.sends.every((s) => s.topic === 'bank.raw-events')).toBe(true);
    cardOnly.forEach((event, i) => expect(messages[i].key).toBe(event.customerId ?? event.identifiers!.cardId));
    expect(new Set(messages.map((m) => partitionForCustomer(m.key, 8))).size).toBe(8);
  });

  it('stops at the first failed send and surfaces the error', async () => {
    const producer = new RecordingProducer(2);
    await expect(writeEventsToKafka(events, { producer, batchSize: 10 })).rejects.toThrow('broker unavailable');
    expect(producer.sends).toHaveLength(2);
  });
});
