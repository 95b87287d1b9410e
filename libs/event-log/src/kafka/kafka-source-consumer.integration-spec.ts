import { IncomingEvent, KairosError } from '@kairos/contracts';
import { KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS } from './dead-letter-writer';
import { KafkaSourceConsumer } from './kafka-source-consumer';
import { rawKafka, uniqueTopic, useKafkaBroker, waitFor } from './kafka-test-support';

const broker = useKafkaBroker();

function sourceEvent(id: string, extra: Partial<Record<string, unknown>> = {}) {
  return {
    id,
    type: 'login',
    identifiers: { deviceId: `dev-${id}` },
    occurredAt: '2026-01-01T10:00:00Z',
    source: 'web-banking',
    data: { channel: 'web' },
    ...extra,
  };
}

async function committedOffset(groupId: string, topic: string): Promise<number> {
  const admin = rawKafka(broker.brokers()).admin();
  await admin.connect();
  try {
    const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(partitions[0].offset);
  } finally {
    await admin.disconnect();
  }
}

describe('KafkaSourceConsumer', () => {
  it('ingests valid envelopes and batches, dead-letters refused messages with the reason, and commits only after ingestion', async () => {
    const topic = uniqueTopic('source');
    const groupId = uniqueTopic('ingestion');
    const ingested: IncomingEvent[] = [];
    let operationalFailures = 2;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const ingest = async (events: readonly IncomingEvent[]) => {
      calls++;
      await gate;
      if (operationalFailures-- > 0) throw new KairosError('STORAGE_UNAVAILABLE', 'database restarting');
      if (events.some((e) => e.id === 'evt-unknown-customer')) {
        throw new KairosError('VALIDATION_FAILED', 'unknown customer', [{ path: 'identifiers.deviceId', rule: 'known_identifier', message: 'not known' }]);
      }
      ingested.push(...events);
    };
    const consumer = await KafkaSourceConsumer.start({ brokers: broker.brokers(), topic, groupId, partitionCount: 1, ingest });

    const kafka = rawKafka(broker.brokers());
    const producer = kafka.producer();
    await producer.connect();
    const bodies: (string | null)[] = [
      JSON.stringify(sourceEvent('evt-1')),
      JSON.stringify({ events: [sourceEvent('evt-2'), sourceEvent('evt-3', { customerId: 'cust-3', identifiers: undefined })] }),
      'no json here',
      JSON.stringify(sourceEvent('evt-bad', { data: { channel: 'fax' } })),
      JSON.stringify({ events: [sourceEvent('evt-4'), sourceEvent('evt-5', { occurredAt: 'tomorrow' })] }),
      JSON.stringify(sourceEvent('evt-unknown-customer')),
      JSON.stringify(sourceEvent('evt-6')),
    ];
    await producer.send({ topic, acks: -1, messages: bodies.map((value) => ({ value })) });
    await producer.disconnect();

    // Ingestion has the batch but has not answered: nothing is committed.
    await waitFor('ingestion called', () => calls > 0);
    await new Promise((r) => setTimeout(r, 1000));
    await expect(committedOffset(groupId, topic)).resolves.toBeLessThan(1);
    release();

    await waitFor('committed past every message', async () => (await committedOffset(groupId, topic)) === bodies.length, 20_000);
    expect(ingested.map((e) => e.id)).toEqual(['evt-1', 'evt-2', 'evt-3', 'evt-6']);
    // The validated form is handed over: identifiers kept, customerId absent when the producer named none.
    expect(ingested[0]).toEqual(sourceEvent('evt-1'));

    const dlq = await readAll(kafka, `${topic}.dlq`, 4);
    const reasons = dlq.map((m) => m.headers?.[DLQ_HEADERS.reason]?.toString());
    expect(reasons).toEqual([
      'invalid_json',
      expect.stringMatching(/^invalid_event: data\.channel: invalid_value/),
      expect.stringMatching(/^invalid_event: events\[1\]\.occurredAt/),
      'ingest_refused: VALIDATION_FAILED identifiers.deviceId: known_identifier',
    ]);
    expect(dlq.map((m) => m.headers?.[DLQ_HEADERS.sourceOffset]?.toString())).toEqual(['2', '3', '4', '5']);
    expect(dlq[0].value?.toString()).toBe('no json here');
    expect(consumer.stats()).toEqual({ ingestedEvents: 4, deadLettered: 4 });
    await consumer.stop();
  });
});

async function readAll(kafka: ReturnType<typeof rawKafka>, topic: string, count: number): Promise<KafkaMessage[]> {
  const reader = kafka.consumer({ groupId: uniqueTopic('dlq-reader'), maxWaitTimeInMs: 100 });
  const messages: KafkaMessage[] = [];
  await reader.connect();
  await reader.subscribe({ topics: [topic], fromBeginning: true });
  await reader.run({ eachMessage: async ({ message }) => void messages.push(message) });
  try {
    await waitFor(`${count} messages on ${topic}`, () => messages.length >= count, 15_000);
  } finally {
    await reader.disconnect();
  }
  return messages;
}
