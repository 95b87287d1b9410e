import { partitionForCustomer } from '@kairos/contracts';
import { KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS } from './dead-letter-writer';
import { KafkaEventLog } from './kafka-event-log';
import { InMemoryEventIdIndex, pinFailure, rawKafka, RecordingHandler, uniqueTopic, useKafkaBroker, waitFor } from './kafka-test-support';

const PARTITIONS = 4;
const broker = useKafkaBroker();

const good = (i: number) => pinFailure(`evt-${i}`, `cust-${i % 13}`, 1_700_000_000_000 + i);
const stamped = (overrides: Record<string, unknown>) => JSON.stringify({ ...good(999_999), ...overrides });

/** Ten ways a record can be refused, each as a producer bypassing the API could write it. */
const MALFORMED: readonly { value: string | null; reason: RegExp }[] = [
  { value: '{"id": "evt-x", ', reason: /^invalid_json$/ },
  { value: null, reason: /^empty_value$/ },
  { value: '[1,2,3]', reason: /^not_an_object$/ },
  { value: stamped({ customerId: undefined }), reason: /customerId: required/ },
  { value: stamped({ receivedAtMs: 'yesterday' }), reason: /receivedAtMs: required_number/ },
  { value: stamped({ type: 'teleported' }), reason: /type: invalid_value/ },
  { value: stamped({ data: { cardId: 'card-1' } }), reason: /data\.atmId/ },
  { value: stamped({ data: { cardId: '4111111111111111', atmId: 'atm-1' } }), reason: /no_payment_card_number/ },
  { value: stamped({ occurredAt: '2999-01-01T00:00:00Z' }), reason: /occurredAt: not_in_future/ },
  { value: stamped({ sneaky: true }), reason: /unrecognized_keys/ },
];

function header(message: KafkaMessage, name: string): string | undefined {
  return message.headers?.[name]?.toString();
}

describe('poison pills on the customer-event topic (D7)', () => {
  it('dead-letters each malformed record with its reason within 5 s and delivers the 1,000 good ones', async () => {
    const log = await KafkaEventLog.open({
      brokers: broker.brokers(),
      topic: uniqueTopic('d7'),
      partitionCount: PARTITIONS,
      eventIdIndex: new InMemoryEventIdIndex(),
    });
    const kafka = rawKafka(broker.brokers());
    const junkProducer = kafka.producer();
    const dlqReader = kafka.consumer({ groupId: uniqueTopic('d7-dlq-reader'), maxWaitTimeInMs: 100 });
    const dlq: { message: KafkaMessage; arrivedAt: number }[] = [];
    await junkProducer.connect();
    await dlqReader.connect();
    await dlqReader.subscribe({ topics: [log.deadLetterTopic], fromBeginning: true });
    await dlqReader.run({ eachMessage: async ({ message }) => void dlq.push({ message, arrivedAt: Date.now() }) });

    const handler = new RecordingHandler();
    const consumer = await log.consume(uniqueTopic('d7-group'), handler);

    // 10 rounds: 100 good events through the adapter, then one malformed record straight onto the topic.
    const written: { partition: number; offset: number; at: number; reason: RegExp }[] = [];
    for (let round = 0; round < 10; round++) {
      await log.append(Array.from({ length: 100 }, (_, i) => good(round * 100 + i)));
      const partition = round % PARTITIONS;
      const [meta] = await junkProducer.send({ topic: log.topic, acks: -1, messages: [{ key: 'junk', value: MALFORMED[round].value, partition }] });
      written.push({ partition, offset: Number(meta.baseOffset), at: Date.now(), reason: MALFORMED[round].reason });
    }

    await waitFor('1,000 good records', () => handler.count() === 1000);
    await waitFor('10 dead letters', () => dlq.length === 10, 15_000);
    for (const w of written) {
      const letter = dlq.find(
        (d) => header(d.message, DLQ_HEADERS.sourcePartition) === String(w.partition) && header(d.message, DLQ_HEADERS.sourceOffset) === String(w.offset),
      );
      expect(letter).toBeDefined();
      expect(header(letter!.message, DLQ_HEADERS.reason)).toMatch(w.reason);
      expect(header(letter!.message, DLQ_HEADERS.sourceTopic)).toBe(log.topic);
      expect(letter!.arrivedAt - w.at).toBeLessThanOrEqual(5000);
    }
    expect(new Set(handler.all().map((r) => r.event.id)).size).toBe(1000);
    await waitFor('lag 0', async () => [...(await consumer.lag()).values()].every((n) => n === 0), 10_000);

    await dlqReader.disconnect();
    await junkProducer.disconnect();
    await consumer.stop();
    await log.close();
  });

  it('does not move past a malformed record while the dead-letter topic cannot be written, and resumes once it can', async () => {
    const topic = uniqueTopic('d7-stuck');
    const deadLetterTopic = `${topic}.missing-dlq`;
    const kafka = rawKafka(broker.brokers());
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    // The DLQ does not exist and the broker does not auto-create topics: every dead-letter write fails.
    const log = await KafkaEventLog.open({
      brokers: broker.brokers(),
      topic,
      deadLetterTopic,
      createTopics: false,
      partitionCount: PARTITIONS,
      eventIdIndex: new InMemoryEventIdIndex(),
    });
    const customer = 'cust-stuck';
    const partition = partitionForCustomer(customer, PARTITIONS);
    await log.append(Array.from({ length: 5 }, (_, i) => pinFailure(`evt-before-${i}`, customer)));
    const junk = kafka.producer();
    await junk.connect();
    await junk.send({ topic, acks: -1, messages: [{ key: customer, value: 'not json', partition }] });
    await junk.disconnect();
    await log.append(Array.from({ length: 5 }, (_, i) => pinFailure(`evt-after-${i}`, customer)));

    const handler = new RecordingHandler();
    const consumer = await log.consume(uniqueTopic('d7-stuck-group'), handler);
    await waitFor('the records before the bad one', () => handler.count() === 5);
    await new Promise((r) => setTimeout(r, 3000));
    expect(handler.all().map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
    // Position stays on the bad record (offset 5): 6 records not delivered.
    expect((await consumer.lag()).get(partition)).toBe(6);

    await admin.createTopics({ topics: [{ topic: deadLetterTopic, numPartitions: 1 }], waitForLeaders: true });
    await waitFor('the records after the bad one', () => handler.count() === 10, 15_000);
    expect(handler.all().map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10]);
    expect((await consumer.lag()).get(partition)).toBe(0);
    const dlqOffsets = await admin.fetchTopicOffsets(deadLetterTopic);
    expect(Number(dlqOffsets[0].high)).toBe(1);

    await admin.disconnect();
    await consumer.stop();
    await log.close();
  });
});
