import { CustomerEvent, KairosError, partitionForCustomer } from '@kairos/contracts';
import { AppendOutcome } from '../event-log.port';
import { KafkaEventLog } from './kafka-event-log';
import { InMemoryEventIdIndex, pinFailure, rawKafka, RecordingHandler, uniqueTopic, useKafkaBroker, waitFor } from './kafka-test-support';

const PARTITIONS = 6;
const broker = useKafkaBroker();

async function openLog(name: string, index = new InMemoryEventIdIndex(), extra: Partial<Parameters<typeof KafkaEventLog.open>[0]> = {}) {
  const log = await KafkaEventLog.open({ brokers: broker.brokers(), topic: uniqueTopic(name), partitionCount: PARTITIONS, eventIdIndex: index, ...extra });
  return { log, index };
}

function customerOf(i: number): string {
  return `cust-${i % 41}`;
}

describe('KafkaEventLog against a real broker', () => {
  it('places every record on murmur2(customerId) and delivers each partition in offset and append order', async () => {
    const { log } = await openLog('order');
    const events: CustomerEvent[] = [];
    for (let i = 0; i < 2000; i++) events.push(pinFailure(`evt-${i}`, customerOf(i), 1_700_000_000_000 + i));
    const outcomes: AppendOutcome[] = [];
    for (let i = 0; i < events.length; i += 250) outcomes.push(...(await log.append(events.slice(i, i + 250))));

    expect(outcomes.every((o) => o.status === 'appended')).toBe(true);
    outcomes.forEach((o, i) => expect(o.partition).toBe(partitionForCustomer(events[i].customerId, PARTITIONS)));

    const handler = new RecordingHandler();
    const consumer = await log.consume(uniqueTopic('order-group'), handler);
    await waitFor('all 2000 records', () => handler.count() === 2000);
    expect(consumer.assignedPartitions()).toEqual([0, 1, 2, 3, 4, 5]);

    for (const [partition, records] of handler.seen) {
      // Offsets are dense and ascending: nothing skipped, nothing repeated, nothing reordered.
      expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
      records.forEach((r) => expect(r.partition).toBe(partition));
    }
    const byCustomer = new Map<string, number[]>();
    for (const r of handler.all()) {
      const seq = Number(r.event.id.slice(4));
      byCustomer.set(r.event.customerId, [...(byCustomer.get(r.event.customerId) ?? []), seq]);
    }
    for (const seqs of byCustomer.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // The outcome names the exact place the consumer finds the event.
    const delivered = new Map(handler.all().map((r) => [r.event.id, r]));
    outcomes.forEach((o, i) => expect(delivered.get(events[i].id)).toEqual(expect.objectContaining({ partition: o.partition, offset: o.offset })));
    expect(delivered.get('evt-7')!.event).toEqual(events[7]);

    await expect(consumer.lag()).resolves.toEqual(new Map([0, 1, 2, 3, 4, 5].map((p) => [p, 0])));
    await consumer.stop();
    expect(handler.revoked.at(-1)).toEqual([0, 1, 2, 3, 4, 5]);
    await expect(log.health()).resolves.toEqual(expect.objectContaining({ ok: true }));
    await log.close();
  });

  it('answers duplicates from the index: within a batch, across appends and while the first append is in flight', async () => {
    const { log, index } = await openLog('dupes');
    const a = pinFailure('evt-a', 'cust-1');
    const b = pinFailure('evt-b', 'cust-2');
    const first = await log.append([a, b, a]);
    expect(first.map((o) => o.status)).toEqual(['appended', 'appended', 'duplicate']);
    expect(first[2]).toEqual({ ...first[0], status: 'duplicate' });

    const again = await log.append([b, pinFailure('evt-c', 'cust-3')]);
    expect(again.map((o) => o.status)).toEqual(['duplicate', 'appended']);
    expect({ partition: again[0].partition, offset: again[0].offset }).toEqual({ partition: first[1].partition, offset: first[1].offset });

    const d = pinFailure('evt-d', 'cust-4');
    const [x, y] = await Promise.all([log.append([d]), log.append([d])]);
    expect([x[0].status, y[0].status].sort()).toEqual(['appended', 'duplicate']);
    expect(x[0].offset).toBe(y[0].offset);

    await expect(log.locate('evt-c')).resolves.toEqual(
      expect.objectContaining({ eventId: 'evt-c', customerId: 'cust-3', type: 'atm_pin_failed', partition: again[1].partition, offset: again[1].offset }),
    );
    await expect(log.locate('evt-missing')).resolves.toBeNull();
    // Kafka holds each id once: 4 distinct events, 4 records.
    const admin = rawKafka(broker.brokers()).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(log.topic);
    await admin.disconnect();
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(4);
    expect(index.locations.size).toBe(4);
    await log.close();
  });

  it('seeks each assigned partition to the handler offset, not to the committed offset', async () => {
    const { log } = await openLog('seek');
    const events = Array.from({ length: 600 }, (_, i) => pinFailure(`evt-${i}`, customerOf(i)));
    await log.append(events);
    const group = uniqueTopic('seek-group');

    // A first member delivers everything and commits the end of every partition.
    const all = new RecordingHandler();
    const first = await log.consume(group, all);
    await waitFor('first pass', () => all.count() === 600);
    for (const [p, records] of all.seen) await first.commit(p, records.length);
    await first.stop();

    // The next owner's snapshots are older than the committed offsets: it must be given the records after them.
    const snapshots = new Map([...all.seen].map(([p, records]) => [p, Math.floor(records.length / 3)]));
    const expected = [...all.seen].reduce((n, [p, records]) => n + records.length - snapshots.get(p)!, 0);
    const resumed = new RecordingHandler(snapshots);
    const second = await log.consume(group, resumed);
    await waitFor('replay from snapshots', () => resumed.count() === expected);
    for (const [p, records] of resumed.seen) {
      expect(records[0].offset).toBe(snapshots.get(p));
      expect(records.map((r) => r.offset)).toEqual(all.seen.get(p)!.slice(snapshots.get(p)).map((r) => r.offset));
    }
    await second.stop();
    await log.close();
  });

  it('hands partitions over on a rebalance: the old owner is revoked, the new one resumes at the snapshot', async () => {
    const { log } = await openLog('rebalance', undefined, { consumer: { sessionTimeoutMs: 6000, heartbeatIntervalMs: 500 } });
    const group = uniqueTopic('rebalance-group');
    // The shared snapshot store of two workers: next offset per partition, written as records are applied.
    const snapshots = new Map<number, number>();
    const worker = () => {
      const handler = new RecordingHandler(snapshots);
      const onRecords = handler.onRecords.bind(handler);
      handler.onRecords = async (partition, records) => {
        await onRecords(partition, records);
        snapshots.set(partition, records[records.length - 1].offset + 1);
      };
      return handler;
    };
    const batch = (from: number) => Array.from({ length: 300 }, (_, i) => pinFailure(`evt-${from + i}`, customerOf(from + i)));

    const first = worker();
    const a = await log.consume(group, first);
    await log.append(batch(0));
    await waitFor('first 300 on the only member', () => first.count() === 300);

    const second = worker();
    const b = await log.consume(group, second);
    // Each member learns its new assignment from its own GROUP_JOIN, a few milliseconds apart.
    const split = () => a.assignedPartitions().length > 0 && b.assignedPartitions().length > 0;
    const disjoint = () => [...a.assignedPartitions(), ...b.assignedPartitions()].sort().join() === '0,1,2,3,4,5';
    await waitFor('partitions split over both members', () => split() && disjoint(), 30_000);
    const moved = b.assignedPartitions();
    expect(first.revoked.flat().sort()).toEqual(moved);
    expect(second.assigned.flat().sort()).toEqual(moved);
    const handoff = new Map(snapshots);

    await log.append(batch(300));
    await waitFor('all 600 delivered', () => first.count() + second.count() === 600);
    const ids = [...first.all(), ...second.all()].map((r) => r.event.id);
    expect(new Set(ids).size).toBe(600);
    // The new owner starts exactly where the old owner's snapshot ended; the old owner stopped there.
    for (const p of moved) {
      expect(second.seen.get(p)![0].offset).toBe(handoff.get(p));
      expect(first.seen.get(p)!.at(-1)!.offset).toBe(handoff.get(p)! - 1);
    }
    expect(second.all().every((r) => moved.includes(r.partition))).toBe(true);

    await b.stop();
    await a.stop();
    await log.close();
  });

  it('reads a partition range for replays', async () => {
    const { log } = await openLog('read');
    const events = Array.from({ length: 60 }, (_, i) => pinFailure(`evt-${i}`, 'cust-7'));
    await log.append(events);
    const partition = partitionForCustomer('cust-7', PARTITIONS);
    const slice = await log.read(partition, 10, 5);
    expect(slice.map((r) => [r.offset, r.event.id])).toEqual([10, 11, 12, 13, 14].map((o) => [o, `evt-${o}`]));
    await expect(log.read(partition, 60, 5)).resolves.toEqual([]);
    await expect(log.read(PARTITIONS, 0, 5)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await log.close();
  });

  it('D9: 50 concurrent appends x 200 events with the idempotent producer: no sequence errors, no loss, no duplicate', async () => {
    const { log } = await openLog('d9');
    const calls = Array.from({ length: 50 }, (_, c) =>
      Array.from({ length: 200 }, (_, i) => pinFailure(`evt-${c}-${i}`, `cust-${(c * 7 + i) % 97}`, 1_700_000_000_000 + i)),
    );
    const results = await Promise.allSettled(calls.map((events) => log.append(events)));
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures).toEqual([]);
    const outcomes = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(outcomes).toHaveLength(10_000);
    expect(outcomes.every((o) => o.status === 'appended')).toBe(true);
    // Every event got its own place in the log.
    expect(new Set(outcomes.map((o) => `${o.partition}:${o.offset}`)).size).toBe(10_000);

    const handler = new RecordingHandler();
    const consumer = await log.consume(uniqueTopic('d9-group'), handler);
    await waitFor('10,000 records', () => handler.count() >= 10_000, 60_000);
    await expect(consumer.lag()).resolves.toEqual(new Map([0, 1, 2, 3, 4, 5].map((p) => [p, 0])));
    const ids = handler.all().map((r) => r.event.id);
    expect(ids).toHaveLength(10_000);
    expect(new Set(ids).size).toBe(10_000);
    // Within each append, a customer's events keep their order.
    const lastSeq = new Map<string, number>();
    for (const partitionRecords of handler.seen.values()) {
      for (const r of partitionRecords) {
        const [, call, seq] = r.event.id.split('-');
        const key = `${call}/${r.event.customerId}`;
        expect(Number(seq)).toBeGreaterThan(lastSeq.get(key) ?? -1);
        lastSeq.set(key, Number(seq));
      }
    }
    await consumer.stop();
    await log.close();
  });

  it('refuses with LOG_UNAVAILABLE when the broker is gone, and never acknowledges', async () => {
    const own = await broker.startOwnBroker();
    const log = await KafkaEventLog.open({
      brokers: [own.brokers],
      topic: uniqueTopic('outage'),
      partitionCount: 2,
      eventIdIndex: new InMemoryEventIdIndex(),
      appendTimeoutMs: 4000,
      requestTimeoutMs: 2000,
      connectionTimeoutMs: 500,
    });
    await expect(log.append([pinFailure('evt-before', 'cust-1')])).resolves.toEqual([expect.objectContaining({ status: 'appended' })]);
    await own.stop();

    const started = Date.now();
    const refusal = log.append([pinFailure('evt-during', 'cust-1')]);
    await expect(refusal).rejects.toBeInstanceOf(KairosError);
    await expect(refusal).rejects.toMatchObject({ code: 'LOG_UNAVAILABLE', status: 503 });
    expect(Date.now() - started).toBeLessThan(6000);
    await expect(log.locate('evt-during')).resolves.toBeNull();
    await expect(log.health()).resolves.toEqual(expect.objectContaining({ ok: false }));
    await log.close();
  });
});
