import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomerEvent, LoggedEvent, partitionForCustomer } from '@kairos/contracts';
import type { PartitionConsumerHandler } from '../event-log.port';
import { EmbeddedEventLog } from './embedded-event-log';

function pinFailure(i: number, customer = `cust-${i % 37}`): CustomerEvent {
  return {
    id: `evt-${i}`,
    type: 'atm_pin_failed',
    customerId: customer,
    occurredAt: new Date(1_700_000_000_000 + i).toISOString(),
    occurredAtMs: 1_700_000_000_000 + i,
    receivedAtMs: 1_700_000_000_500 + i,
    source: 'atm-network',
    data: { cardId: `card-${i % 37}`, atmId: 'atm-1' },
  };
}

class RecordingHandler implements PartitionConsumerHandler {
  readonly seen = new Map<number, LoggedEvent[]>();
  constructor(private readonly startAt: ReadonlyMap<number, number> = new Map()) {}
  async onAssigned(partitions: readonly number[]) {
    return new Map(partitions.map((p) => [p, this.startAt.get(p) ?? 0]));
  }
  async onRevoked() {}
  async onRecords(partition: number, records: readonly LoggedEvent[]) {
    const list = this.seen.get(partition) ?? [];
    list.push(...records);
    this.seen.set(partition, list);
  }
  all(): LoggedEvent[] {
    return [...this.seen.values()].flat();
  }
}

describe('EmbeddedEventLog', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kairos-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends durably, partitions like Kafka and refuses duplicate ids across a restart', async () => {
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 8 });
    const first = await log.append([pinFailure(1), pinFailure(2), pinFailure(1)]);
    expect(first.map((o) => o.status)).toEqual(['appended', 'appended', 'duplicate']);
    expect(first[0].partition).toBe(partitionForCustomer('cust-1', 8));
    expect(first[2]).toEqual({ ...first[0], status: "duplicate" });
    await log.close();

    const reopened = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 8 });
    const again = await reopened.append([pinFailure(2), pinFailure(3)]);
    expect(again.map((o) => o.status)).toEqual(['duplicate', 'appended']);
    await expect(reopened.locate('evt-3')).resolves.toEqual(expect.objectContaining({ customerId: 'cust-3', type: 'atm_pin_failed' }));
    await expect(reopened.locate('evt-404')).resolves.toBeNull();
    await reopened.close();
  });

  it('refuses to open with another partition count', async () => {
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 8 });
    await log.close();
    await expect(EmbeddedEventLog.open({ dataDir: dir, partitionCount: 12 })).rejects.toThrow(/created with 8 partitions/);
  });

  it('delivers every record once, in offset order per partition, under concurrent appends', async () => {
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 4, synchronous: 'normal' });
    const handler = new RecordingHandler();
    const consumer = await log.consume('test', handler);
    const batches = Array.from({ length: 40 }, (_, b) => Array.from({ length: 50 }, (_, i) => pinFailure(b * 50 + i)));
    await Promise.all(batches.map((batch) => log.append(batch)));
    await (consumer as unknown as { drained(): Promise<void> }).drained();
    const delivered = handler.all();
    expect(delivered).toHaveLength(2000);
    expect(new Set(delivered.map((r) => r.event.id)).size).toBe(2000);
    for (const [, records] of handler.seen) {
      records.forEach((record, index) => expect(record.offset).toBe(index));
    }
    await log.close();
  });

  it('resumes a consumer from the offsets it asks for, replaying from the file', async () => {
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 2 });
    await log.append(Array.from({ length: 300 }, (_, i) => pinFailure(i)));
    await log.close();

    const reopened = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 2 });
    const handler = new RecordingHandler(new Map([[0, 10], [1, 0]]));
    const consumer = await reopened.consume('test', handler);
    await (consumer as unknown as { drained(): Promise<void> }).drained();
    expect(handler.seen.get(0)?.[0].offset).toBe(10);
    const total = (await reopened.read(0, 0, 10_000)).length + (await reopened.read(1, 0, 10_000)).length;
    expect(handler.all()).toHaveLength(total - 10);
    await reopened.close();
  });
});

describe('EmbeddedConsumer wake-ups', () => {
  it('delivers a single append that lands while the partition pump is finishing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kairos-log-wake-'));
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 1, synchronous: 'normal' });
    const handler = new RecordingHandler();
    await log.consume('wake', handler);
    // One event at a time, each waited for: every append must reach the handler without a later append's help.
    for (let i = 0; i < 200; i++) {
      await log.append([pinFailure(10_000 + i, 'cust-wake')]);
      const deadline = Date.now() + 2_000;
      while (handler.all().length < i + 1 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
      expect(handler.all()).toHaveLength(i + 1);
    }
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('EmbeddedConsumer handler failures', () => {
  it('holds the partition at a failing batch and retries it instead of skipping or stopping', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kairos-log-fail-'));
    const log = await EmbeddedEventLog.open({ dataDir: dir, partitionCount: 1, synchronous: 'normal' });
    const handler = new RecordingHandler();
    let failuresLeft = 2;
    const flaky: PartitionConsumerHandler = {
      onAssigned: (p) => handler.onAssigned(p),
      onRevoked: () => handler.onRevoked(),
      onRecords: async (partition, records) => {
        if (failuresLeft-- > 0) throw new Error('transient');
        await handler.onRecords(partition, records);
      },
    };
    const consumer = await log.consume('flaky', flaky);
    await log.append([pinFailure(1, 'cust-f'), pinFailure(2, 'cust-f')]);
    const deadline = Date.now() + 10_000;
    while (handler.all().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handler.all().map((r) => r.event.id)).toEqual(['evt-1', 'evt-2']);
    expect((consumer as unknown as { failingPartitions(): ReadonlyMap<number, string> }).failingPartitions().size).toBe(0);
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
