import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import type { LogConsumer } from '@kairos/event-log';
import { inMemoryWorker } from './testing/in-memory-worker';

function record(partition: number, offset: number): LoggedEvent {
  const event: CustomerEvent = { id: `e-${partition}-${offset}`, type: 'login', customerId: `c-${partition}`, occurredAt: new Date(1_000).toISOString(), occurredAtMs: 1_000, receivedAtMs: 1_000, source: 'test', data: { channel: 'web' } };
  return { partition, offset, event };
}

describe('PartitionWorker periodic snapshots', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('visits the owned partitions one at a time, spread over the interval, and skips those that did not change', async () => {
    const { worker, saved } = inMemoryWorker({ snapshotEveryMs: 3_000, snapshotEveryEvents: 1_000_000 });
    await worker.onAssigned([0, 1, 2]);
    for (const partition of [0, 1, 2]) await worker.onRecords(partition, [record(partition, 0)]);
    worker.attach({ commit: async () => undefined } as unknown as LogConsumer);
    const snapshotted = () => saved.map((snapshot) => snapshot.partition);

    await jest.advanceTimersByTimeAsync(999);
    expect(snapshotted()).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(snapshotted()).toEqual([0]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(snapshotted()).toEqual([0, 1]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(snapshotted()).toEqual([0, 1, 2]);

    // The next round finds only partition 1 changed.
    await worker.onRecords(1, [record(1, 1)]);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(snapshotted()).toEqual([0, 1, 2, 1]);

    await worker.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(saved).toHaveLength(4);
  });

  it('spreads over the partitions it owns now: a partition assigned later joins the round', async () => {
    const { worker, saved } = inMemoryWorker({ snapshotEveryMs: 2_000, snapshotEveryEvents: 1_000_000 });
    await worker.onAssigned([4]);
    await worker.onRecords(4, [record(4, 0)]);
    worker.attach({ commit: async () => undefined } as unknown as LogConsumer);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(saved.map((snapshot) => snapshot.partition)).toEqual([4]);

    await worker.onAssigned([7]);
    await worker.onRecords(7, [record(7, 0)]);
    await worker.onRecords(4, [record(4, 1)]);
    await jest.advanceTimersByTimeAsync(2_000);
    // Two partitions now: one visit per 1,000 ms, in partition order after the one visited last.
    expect(saved.map((snapshot) => snapshot.partition)).toEqual([4, 7]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(saved.map((snapshot) => snapshot.partition)).toEqual([4, 7, 4]);
    await worker.stop();
  });
});
