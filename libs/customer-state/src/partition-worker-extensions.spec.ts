import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import type { LogConsumer } from '@kairos/event-log';
import { SnapshotIncompatibleError } from '@kairos/profile';
import { decodePartitionSnapshot, encodePartitionSnapshot } from './partition-snapshot-envelope';
import type { PartitionStateExtension } from './partition-worker';
import { inMemoryWorker } from './testing/in-memory-worker';

function record(offset: number, customerId = 'c-1'): LoggedEvent {
  const event: CustomerEvent = { id: `e-${offset}`, type: 'login', customerId, occurredAt: new Date(offset * 1000).toISOString(), occurredAtMs: offset * 1000, receivedAtMs: offset * 1000, source: 'test', data: { channel: 'web' } };
  return { partition: 0, offset, event };
}

/** Counts applied records per partition; its state is the count, stored as text. */
class CountingExtension implements PartitionStateExtension {
  readonly name = 'counter';
  readonly counts = new Map<number, number>();
  readonly restored: (string | null)[] = [];
  rejectBlobs = false;

  restore(partition: number, data: Uint8Array | null): void {
    const text = data === null ? null : Buffer.from(data).toString('utf8');
    if (this.rejectBlobs && text !== null) throw new SnapshotIncompatibleError('unknown counter format');
    this.restored.push(text);
    this.counts.set(partition, text === null ? 0 : Number(text));
  }

  capture(partition: number): Uint8Array {
    return Buffer.from(String(this.counts.get(partition) ?? 0), 'utf8');
  }

  release(partition: number): void {
    this.counts.delete(partition);
  }

  count(partition: number, records: readonly LoggedEvent[], after: number): void {
    this.counts.set(partition, (this.counts.get(partition) ?? 0) + records.filter((r) => r.offset > after).length);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PartitionWorker extensions', () => {
  it('awaits an async listener before a snapshot (and its offset commit) can cover the batch', async () => {
    const { worker, saved } = inMemoryWorker({ snapshotEveryEvents: 1 });
    const commits: number[] = [];
    worker.attach({ commit: async (_p: number, next: number) => void commits.push(next) } as unknown as LogConsumer);
    const gate = deferred();
    const durable: number[] = [];
    worker.onApplied(async (_partition, records) => {
      await gate.promise;
      durable.push(...records.map((r) => r.offset));
    });
    await worker.onAssigned([0]);

    const batch = worker.onRecords(0, [record(0), record(1)]);
    // A periodic snapshot asked for while the listener is pending must wait for it.
    const periodic = worker.snapshotAll();
    await new Promise((resolve) => setImmediate(resolve));
    expect(saved).toHaveLength(0);
    expect(commits).toEqual([]);

    gate.resolve();
    await Promise.all([batch, periodic]);
    await worker.stop();
    expect(durable).toEqual([0, 1]);
    expect(saved.map((s) => s.offset)).toContain(1);
    expect(commits.at(-1)).toBe(2);
  });

  it('fails the batch when a listener throws, and hands the records to the listener again on the retry', async () => {
    const { worker } = inMemoryWorker();
    let failures = 1;
    const seen: number[][] = [];
    worker.onApplied(async (_p, records) => {
      seen.push(records.map((r) => r.offset));
      if (failures-- > 0) throw new Error('outbox unavailable');
    });
    await worker.onAssigned([0]);
    await expect(worker.onRecords(0, [record(0)])).rejects.toThrow('outbox unavailable');
    await worker.onRecords(0, [record(0)]);
    expect(seen).toEqual([[0], [0]]);
    expect(worker.store(0)!.lastAppliedOffset).toBe(0);
  });

  it('stores extension state in the same snapshot row as the profile and restores it at the same offset', async () => {
    const { worker, saved } = inMemoryWorker();
    const extension = new CountingExtension();
    worker.addStateExtension(extension);
    worker.onApplied((partition, records, store) => extension.count(partition, records, store.lastAppliedOffset - records.length));
    await worker.onAssigned([0]);
    expect(extension.restored).toEqual([null]);
    await worker.onRecords(0, [record(0), record(1), record(2)]);
    await worker.snapshotAll();
    await worker.onRevoked([0]);
    expect(extension.counts.has(0)).toBe(false);

    expect(saved).toHaveLength(2);
    const parts = decodePartitionSnapshot(saved[1].data);
    expect(Buffer.from(parts.extensions.get('counter')!).toString('utf8')).toBe('3');

    await expect(worker.onAssigned([0])).resolves.toEqual(new Map([[0, 3]]));
    expect(extension.restored).toEqual([null, '3']);
    expect(extension.counts.get(0)).toBe(3);
  });

  it('forgets dormant customers in the store and every extension, under the partition lock, and snapshots without them', async () => {
    const { worker, saved } = inMemoryWorker();
    const forgotten: [number, readonly string[]][] = [];
    const forgetful: PartitionStateExtension = {
      name: 'forgetful',
      restore: () => undefined,
      capture: () => new Uint8Array(),
      release: () => undefined,
      forgetCustomers: (partition, ids) => void forgotten.push([partition, [...ids]]),
    };
    worker.addStateExtension(forgetful);
    await worker.onAssigned([0]);
    await worker.onRecords(0, [record(0, 'old-1'), record(1, 'old-2'), record(5, 'recent')]);
    const before = saved.length;

    // A batch holding the partition's lock is folded first: its customer is no longer dormant when the pass runs.
    const gate = deferred();
    worker.onApplied(async () => gate.promise);
    const batch = worker.onRecords(0, [record(6, 'old-2')]);
    const pass = worker.forgetDormantCustomers(3_000);
    gate.resolve();
    await batch;
    await expect(pass).resolves.toEqual({ partitions: 1, forgotten: 1, heldForConsent: 0 });

    expect(worker.store(0)!.customerIds().sort()).toEqual(['old-2', 'recent']);
    expect(forgotten).toEqual([[0, ['old-1']]]);
    expect(saved.length).toBeGreaterThan(before);
    await expect(worker.forgetDormantCustomers(3_000)).resolves.toEqual({ partitions: 1, forgotten: 0, heldForConsent: 0 });
  });

  it('restores a snapshot written before extensions existed, with fresh extension state', async () => {
    const { worker: before, saved } = inMemoryWorker();
    await before.onAssigned([0]);
    await before.onRecords(0, [record(0), record(1)]);
    await before.snapshotAll();
    expect(decodePartitionSnapshot(saved[0].data).extensions.size).toBe(0);

    const { worker: after, saved: rows } = inMemoryWorker();
    rows.push(...saved);
    const extension = new CountingExtension();
    after.addStateExtension(extension);
    await expect(after.onAssigned([0])).resolves.toEqual(new Map([[0, 2]]));
    expect(extension.restored).toEqual([null]);
    expect(after.store(0)!.lastAppliedOffset).toBe(1);
  });

  it('falls back to an older snapshot when an extension rejects its blob, and detects a damaged envelope', async () => {
    const { worker, saved } = inMemoryWorker();
    const extension = new CountingExtension();
    worker.addStateExtension(extension);
    await worker.onAssigned([0]);
    await worker.onRecords(0, [record(0)]);
    await worker.snapshotAll();
    await worker.onRecords(0, [record(1)]);
    await worker.snapshotAll();

    const damaged = Uint8Array.from(saved[1].data);
    damaged[damaged.length - 1] ^= 0xff;
    saved[1] = { ...saved[1], data: damaged };
    const { worker: next, saved: rows } = inMemoryWorker();
    rows.push(...saved);
    next.addStateExtension(new CountingExtension());
    await expect(next.onAssigned([0])).resolves.toEqual(new Map([[0, 1]]));

    const { worker: strict, saved: strictRows } = inMemoryWorker();
    strictRows.push(saved[0]);
    const rejecting = new CountingExtension();
    rejecting.rejectBlobs = true;
    strict.addStateExtension(rejecting);
    await expect(strict.onAssigned([0])).resolves.toEqual(new Map([[0, 0]]));
    expect(rejecting.restored).toEqual([null]);
  });

  it('runs tick listeners per owned partition under the partition lock, and snapshots state a tick changed', async () => {
    let now = 1_000;
    const { worker, saved } = inMemoryWorker({ clock: () => now });
    const ticks: [number, number][] = [];
    worker.onTick((partition, nowMs) => {
      ticks.push([partition, nowMs]);
      return true;
    });
    const assigned: number[][] = [];
    worker.onPartitionsAssigned((partitions) => void assigned.push([...partitions]));
    await worker.onAssigned([0, 1]);
    await worker.onRecords(0, [record(0)]);
    await worker.snapshotAll();
    now = 2_000;
    await worker.runTicks();
    expect(ticks).toEqual([
      [0, 2_000],
      [1, 2_000],
    ]);
    expect(assigned).toEqual([[0, 1]]);
    const before = saved.length;
    worker.attach({ commit: async () => undefined } as unknown as LogConsumer);
    // One round of the periodic snapshots: they visit the two partitions one at a time.
    const periodic = worker as unknown as { snapshotNextChanged(): Promise<void> };
    await periodic.snapshotNextChanged();
    await periodic.snapshotNextChanged();
    await worker.stop();
    expect(saved.length).toBe(before + 1);
  });

  it('writes the plain profile snapshot when no extension is registered (readers of old rows keep working)', () => {
    const bytes = Uint8Array.from([1, 2, 3]);
    expect(encodePartitionSnapshot(bytes, new Map())).toBe(bytes);
    const wrapped = encodePartitionSnapshot(bytes, new Map([['b', Uint8Array.from([9])], ['a', new Uint8Array(0)]]));
    const parts = decodePartitionSnapshot(wrapped);
    expect([...parts.profile]).toEqual([1, 2, 3]);
    expect([...parts.extensions].map(([name, blob]) => [name, [...blob]])).toEqual([
      ['a', []],
      ['b', [9]],
    ]);
  });
});
