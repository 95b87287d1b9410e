import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import { profileOf, profileView } from '@kairos/profile';
import type { PartitionWorker } from './partition-worker';
import { inMemoryWorker } from './testing/in-memory-worker';

function record(offset: number, id: string): LoggedEvent {
  const event: CustomerEvent = { id, type: 'login', customerId: 'c-1', occurredAt: new Date(offset * 1000).toISOString(), occurredAtMs: offset * 1000, receivedAtMs: offset * 1000, source: 'test', data: { channel: 'web' } };
  return { partition: 0, offset, event };
}

function workerWith(dedupeWindow: number) {
  return inMemoryWorker({ dedupeWindow });
}

const eventCount = (worker: PartitionWorker) => {
  const store = worker.store(0)!;
  return profileView(profileOf(store, 'c-1')!, store.registry, 10_000).attributes.eventCount;
};

describe('PartitionWorker', () => {
  it('applies a record once however often it is redelivered, and resumes after its snapshot offset', async () => {
    const { worker } = workerWith(0);
    await expect(worker.onAssigned([0])).resolves.toEqual(new Map([[0, 0]]));
    await worker.onRecords(0, [record(0, 'e-0'), record(1, 'e-1')]);
    await worker.onRecords(0, [record(1, 'e-1'), record(2, 'e-2')]);
    expect(eventCount(worker)).toBe(3);
    await worker.snapshotAll();
    await worker.onRevoked([0]);
    await expect(worker.onAssigned([0])).resolves.toEqual(new Map([[0, 3]]));
    expect(eventCount(worker)).toBe(3);
  });

  // The profile store itself skips a redelivery among a customer's last 4 event ids; the worker's window catches
  // a copy that arrives later than that (Kafka mode).
  const sequenceWithLateCopy = () => [...Array.from({ length: 6 }, (_, i) => record(i, `e-${i}`)), record(6, 'e-0')];

  it('drops a late second copy of an event id when deduplication is on (Kafka mode)', async () => {
    const { worker } = workerWith(100);
    await worker.onAssigned([0]);
    await worker.onRecords(0, sequenceWithLateCopy());
    expect(eventCount(worker)).toBe(6);
    expect(worker.store(0)!.lastAppliedOffset).toBe(6);
  });

  it('relies on the log for uniqueness when deduplication is off (the embedded log never holds two copies)', async () => {
    const { worker } = workerWith(0);
    await worker.onAssigned([0]);
    await worker.onRecords(0, sequenceWithLateCopy());
    expect(eventCount(worker)).toBe(7);
  });

  it('does not fold a batch into a state its partition was revoked from meanwhile; the next assignment reads it again', async () => {
    let release!: () => void;
    const opened = new Promise<void>((resolve) => (release = resolve));
    const opener = { openRecords: async (records: readonly LoggedEvent[]) => (await opened, records) };
    const { worker, saved } = inMemoryWorker({ opener: opener as never, snapshotEveryEvents: 1 });
    await worker.onAssigned([0]);
    // The batch waits (its personal fields are being opened) while a rebalance revokes and gives back the partition.
    const delivery = worker.onRecords(0, [record(0, 'e-0'), record(1, 'e-1')]);
    await worker.onRevoked([0]);
    await expect(worker.onAssigned([0])).resolves.toEqual(new Map([[0, 0]]));
    release();
    await delivery;
    // Neither the released state nor the new one took the batch (no snapshot of it was written beside the new
    // assignment's): the new assignment starts at offset 0 and reads it.
    // (A snapshot the batch would start runs in the background: give it the turns it needs.)
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(saved.map((snapshot) => snapshot.offset)).toEqual([]);
    expect(worker.store(0)!.lastAppliedOffset).toBe(-1);
    await worker.onRecords(0, [record(0, 'e-0'), record(1, 'e-1')]);
    expect(eventCount(worker)).toBe(2);
  });
});
