import { ConfigResourceTypes } from 'kafkajs';
import { KairosError } from '@kairos/contracts';
import { KafkaEventLog } from './kafka-event-log';
import { MAX_SEGMENT_MS } from './kafka-topic-retention';
import { InMemoryEventIdIndex, pinFailure, rawKafka, uniqueTopic, useKafkaBroker } from './kafka-test-support';

const broker = useKafkaBroker();
const DAY = 86_400_000;

/** Reads a topic's settings straight from the broker, past the adapter under test. */
async function brokerConfig(topic: string): Promise<Map<string, string>> {
  const admin = rawKafka(broker.brokers()).admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
    return new Map(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  } finally {
    await admin.disconnect();
  }
}

describe('KafkaEventLog retention and per-customer reads against a real broker', () => {
  it('sets retention.ms of the event topic and its dead-letter topic, keeps other topic settings, and reads it back', async () => {
    const topic = uniqueTopic('retention');
    const log = await KafkaEventLog.open({ brokers: broker.brokers(), topic, partitionCount: 2, eventIdIndex: new InMemoryEventIdIndex() });
    const admin = rawKafka(broker.brokers()).admin();
    await admin.connect();
    // An operator's own topic-level setting must survive: the legacy AlterConfigs request replaces the whole set.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: '2000000' }] }] });
    await admin.disconnect();

    const report = await log.enforceRetention({ retentionMs: 395 * DAY, nowMs: Date.now() });
    expect(report).toEqual({
      kind: 'topic-retention',
      topics: [
        { topic, retentionMs: 395 * DAY, previousRetentionMs: 7 * DAY },
        { topic: `${topic}.dlq`, retentionMs: 395 * DAY, previousRetentionMs: 7 * DAY },
      ],
    });
    const config = await brokerConfig(topic);
    expect(config.get('retention.ms')).toBe(String(395 * DAY));
    expect(config.get('segment.ms')).toBe(String(MAX_SEGMENT_MS));
    expect(config.get('max.message.bytes')).toBe('2000000');
    expect((await brokerConfig(`${topic}.dlq`)).get('retention.ms')).toBe(String(395 * DAY));

    // Idempotent, and a shorter window than a day also shortens the segments.
    await log.enforceRetention({ retentionMs: 3_600_000, nowMs: Date.now() });
    const shorter = await brokerConfig(topic);
    expect([shorter.get('retention.ms'), shorter.get('segment.ms'), shorter.get('max.message.bytes')]).toEqual(['3600000', '3600000', '2000000']);
    await expect(log.enforceRetention({ retentionMs: 0, nowMs: Date.now() })).rejects.toThrow(KairosError);
    await log.close();
  });

  it("reads exactly one customer's events through the locator, skipping stale locations", async () => {
    const index = new InMemoryEventIdIndex();
    const log = await KafkaEventLog.open({ brokers: broker.brokers(), topic: uniqueTopic('customer'), partitionCount: 3, eventIdIndex: index, customerEventLocator: index });
    const events = Array.from({ length: 300 }, (_, i) => pinFailure(`evt-${i}`, `cust-${i % 30}`, 1_700_000_000_000 + i));
    for (let i = 0; i < events.length; i += 100) await log.append(events.slice(i, i + 100));

    const mine = await log.readCustomer('cust-4');
    expect(mine.map((r) => r.event.id)).toEqual(Array.from({ length: 10 }, (_, k) => `evt-${4 + 30 * k}`));
    expect(mine.map((r) => r.event)).toEqual(events.filter((e) => e.customerId === 'cust-4'));

    // A stale row pointing at another customer's record yields nothing of that customer.
    const foreign = index.locations.get('evt-5')!;
    index.locations.set('forged', { ...foreign, eventId: 'forged', customerId: 'cust-4' });
    await expect(log.readCustomer('cust-4')).resolves.toHaveLength(10);
    await expect(log.readCustomer('cust-nobody')).resolves.toEqual([]);
    await log.close();
  });

  it('finds a customer\'s events far apart in a busy partition (seeks past the others)', async () => {
    const index = new InMemoryEventIdIndex();
    const log = await KafkaEventLog.open({ brokers: broker.brokers(), topic: uniqueTopic('sparse'), partitionCount: 1, eventIdIndex: index, customerEventLocator: index });
    const filler = (from: number) => Array.from({ length: 2_000 }, (_, i) => pinFailure(`fill-${from + i}`, `other-${i % 97}`, 1_700_000_000_000 + i));
    await log.append([pinFailure('needle-1', 'needle', 1_700_000_000_000)]);
    for (let round = 0; round < 3; round++) await log.append(filler(round * 2_000));
    await log.append([pinFailure('needle-2', 'needle', 1_700_000_100_000)]);
    await log.append(filler(6_000));
    await log.append([pinFailure('needle-3', 'needle', 1_700_000_200_000)]);
    const found = await log.readCustomer('needle');
    expect(found.map((r) => [r.event.id, r.offset])).toEqual([
      ['needle-1', 0],
      ['needle-2', 6_001],
      ['needle-3', 8_002],
    ]);
    await log.close();
  });

  it('refuses a customer read when opened without a locator', async () => {
    const log = await KafkaEventLog.open({ brokers: broker.brokers(), topic: uniqueTopic('no-locator'), partitionCount: 1, eventIdIndex: new InMemoryEventIdIndex() });
    await expect(log.readCustomer('cust-1')).rejects.toThrow(/without a customer event locator/);
    await log.close();
  });
});
