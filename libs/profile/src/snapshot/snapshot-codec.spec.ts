import fc from 'fast-check';
import { LoggedEvent } from '@kairos/contracts';
import { defaultFeatureRegistry } from '../features/default-feature-registry';
import { createFeatureRegistry } from '../features/feature-registry';
import { exportStore, storeDigest } from '../profile/profile-record';
import { PartitionProfileStore } from '../store/partition-profile-store';
import { DAY_MS, TEST_EPOCH_MS, featureMatrix, loggedHistoryArbitrary, newestEventAt } from '../testing';
import { SNAPSHOT_FORMAT_VERSION, decodeSnapshot, encodeSnapshot, encodeSnapshotAsync, readSnapshotHeader } from './snapshot-codec';
import { SnapshotCorruptError, SnapshotIncompatibleError } from './snapshot.errors';

const registry = defaultFeatureRegistry();
const PARTITION = 5;
const CUSTOMERS = ['cust-1', 'cust-2', 'cust-3'];

function fold(records: readonly LoggedEvent[], store = new PartitionProfileStore({ partition: PARTITION, registry })): PartitionProfileStore {
  for (const record of records) store.apply(record);
  return store;
}

/** Derived values at the newest event and later, where reads are exact. */
function readTimes(store: PartitionProfileStore): number[] {
  const newest = newestEventAt(store, TEST_EPOCH_MS);
  return [newest, newest + 5 * 60_000, newest + DAY_MS, newest + 8 * DAY_MS, newest + 31 * DAY_MS];
}

const history = loggedHistoryArbitrary(PARTITION, { customerIds: CUSTOMERS, maxEvents: 80, maxDelayMs: 2 * DAY_MS });

describe('profile snapshots', () => {
  it('(a) folding any split of a stream, through a snapshot (or a compaction) between chunks, equals folding it at once', () => {
    fc.assert(
      fc.property(history, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), fc.boolean(), (records, cuts, compress, compactOnly) => {
        const whole = fold(records);
        const points = [...new Set(cuts.map((cut) => cut % (records.length + 1)))].sort((a, b) => a - b);
        let store = new PartitionProfileStore({ partition: PARTITION, registry });
        let from = 0;
        for (const point of [...points, records.length]) {
          fold(records.slice(from, point), store);
          if (compactOnly) store.compact();
          else store = decodeSnapshot(encodeSnapshot(store, { compress }), registry);
          from = point;
        }
        expect(exportStore(store)).toEqual(exportStore(whole));
        expect(featureMatrix(store, registry, readTimes(whole))).toEqual(featureMatrix(whole, registry, readTimes(whole)));
      }),
      { numRuns: 200 },
    );
  });

  it('(b) R1: restore(snapshot@k) + replay(k..n) equals fold(0..n) on 500 histories, replaying overlap included', () => {
    let mismatches = 0;
    fc.assert(
      fc.property(history, fc.nat(), fc.nat({ max: 5 }), (records, k, overlap) => {
        const at = k % (records.length + 1);
        const reference = fold(records);
        const snapshot = encodeSnapshot(fold(records.slice(0, at)));
        // A worker replays from its committed offset, which may be behind the snapshot: those records must be skipped.
        const restored = fold(records.slice(Math.max(0, at - overlap)), decodeSnapshot(snapshot, registry));
        const same =
          JSON.stringify(exportStore(restored)) === JSON.stringify(exportStore(reference)) &&
          JSON.stringify(featureMatrix(restored, registry, readTimes(reference))) === JSON.stringify(featureMatrix(reference, registry, readTimes(reference)));
        if (!same) mismatches++;
        expect(exportStore(restored)).toEqual(exportStore(reference));
        expect(storeDigest(restored)).toBe(storeDigest(reference));
      }),
      { numRuns: 500 },
    );
    expect(mismatches).toBe(0);
  });

  it('(c) R2: any flipped byte or cut is detected and never decoded', () => {
    fc.assert(
      fc.property(history, fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.nat(), (records, compress, position, mask, cut) => {
        const bytes = encodeSnapshot(fold(records), { compress });
        const flipped = bytes.slice();
        flipped[position % bytes.length] ^= mask;
        expect(() => decodeSnapshot(flipped, registry)).toThrow(SnapshotCorruptError);
        expect(() => decodeSnapshot(bytes.subarray(0, cut % bytes.length), registry)).toThrow(SnapshotCorruptError);
        const extended = new Uint8Array(bytes.length + 1);
        extended.set(bytes);
        expect(() => decodeSnapshot(extended, registry)).toThrow(SnapshotCorruptError);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the same bytes in slices, and refuses if events are applied meanwhile', async () => {
    const records = fc.sample(loggedHistoryArbitrary(PARTITION, { customerIds: CUSTOMERS, minEvents: 20, maxEvents: 40 }), { numRuns: 1, seed: 7 })[0];
    const store = fold(records);
    await expect(encodeSnapshotAsync(store, { sliceCustomers: 1 })).resolves.toEqual(encodeSnapshot(store));
    const pending = encodeSnapshotAsync(store, { sliceCustomers: 1 });
    store.apply({ ...records[0], offset: store.lastAppliedOffset + 1, event: { ...records[0].event, id: 'another' } });
    await expect(pending).rejects.toThrow('while a snapshot was being written');
  });

  it('refuses a snapshot of another registry or tolerance as incompatible', () => {
    const store = fold([{ partition: PARTITION, offset: 0, event: { id: 'e', type: 'login', customerId: 'c', occurredAt: '', occurredAtMs: TEST_EPOCH_MS, receivedAtMs: TEST_EPOCH_MS, source: 's', data: { channel: 'app' } } }]);
    const bytes = encodeSnapshot(store);
    expect(() => decodeSnapshot(bytes, defaultFeatureRegistry({ lateToleranceMs: 1000 }))).toThrow(SnapshotIncompatibleError);
    const other = createFeatureRegistry([
      { name: 'logins', type: 'number', description: 'd', sources: ['login'], aggregation: 'count', window: 'lifetime', purposes: ['analytics'], personalData: 'none' },
    ]);
    expect(() => decodeSnapshot(bytes, other)).toThrow(SnapshotIncompatibleError);
  });

  it('carries partition, offset and format in a verified header', () => {
    const store = fold([{ partition: PARTITION, offset: 41, event: { id: 'e', type: 'login', customerId: 'c', occurredAt: '', occurredAtMs: TEST_EPOCH_MS, receivedAtMs: TEST_EPOCH_MS, source: 's', data: { channel: 'app' } } }]);
    const header = readSnapshotHeader(encodeSnapshot(store, { compress: true }));
    expect(header).toMatchObject({ formatVersion: SNAPSHOT_FORMAT_VERSION, compressed: true, partition: PARTITION, lastAppliedOffset: 41, registryFingerprint: registry.fingerprint, customers: 1 });
    expect(header.sizes).toEqual({ customers: 1, customerIdBytes: 1, products: 0, productIdBytes: 0, cards: 0, cardIdBytes: 0 });
    const restored = decodeSnapshot(encodeSnapshot(store), registry);
    expect([restored.partition, restored.lastAppliedOffset, restored.size]).toEqual([PARTITION, 41, 1]);
    expect(() => decodeSnapshot(new Uint8Array(0), registry)).toThrow(SnapshotCorruptError);
  });
});
