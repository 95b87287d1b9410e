import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { EventIndexRepository } from '../repositories/event-index.repository';
import { IdentityRepository } from '../repositories/identity.repository';
import { PartitionSnapshotRepository } from '../repositories/partition-snapshot.repository';
import { RetentionSweepRepository } from './retention-sweep.repository';
import { SnapshotRetentionRepository } from './snapshot-retention.repository';

describe.each(STORAGE_DIALECTS)('retention repositories on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  beforeAll(() => (dataSource = database.dataSource()));

  it('deletes parked events and event-index rows received before the cutoff, in chunks, and nothing younger', async () => {
    const identities = new IdentityRepository(dataSource);
    const ref = { kind: 'deviceId', value: 'dev-1' } as const;
    const parked = (i: number) => ({
      event: { id: `p-${i}`, type: 'login', occurredAt: '2026-01-01T00:00:00Z', occurredAtMs: 0, receivedAtMs: i, source: 'web', data: { channel: 'web' } } as const,
      ref,
    });
    await identities.park(Array.from({ length: 2_500 }, (_, i) => parked(i)));
    const index = new EventIndexRepository(dataSource);
    await index.record(Array.from({ length: 1_200 }, (_, i) => ({ eventId: `e-${i}`, customerId: 'c', type: 'login', partition: 0, offset: i, receivedAtMs: i, storedAtMs: i })));

    const sweep = new RetentionSweepRepository(dataSource);
    await expect(sweep.deleteParkedEventsReceivedBefore(2_100)).resolves.toBe(2_100);
    await expect(sweep.deleteEventIndexReceivedBefore(1_100)).resolves.toBe(1_100);
    await expect(dataSource.getRepository('ParkedEvent').count()).resolves.toBe(400);
    await expect(index.find('e-1099')).resolves.toBeNull();
    await expect(index.find('e-1100')).resolves.toEqual(expect.objectContaining({ offset: 1_100 }));
  });

  it('lists snapshot headers per partition newest first, reads one snapshot and deletes single ones', async () => {
    const snapshots = new PartitionSnapshotRepository(dataSource);
    await snapshots.save({ partition: 1, offset: 5, createdAtMs: 50, checksum: 'a', data: new Uint8Array([1]) });
    await snapshots.save({ partition: 1, offset: 9, createdAtMs: 90, checksum: 'b', data: new Uint8Array([2]) });
    await snapshots.save({ partition: 0, offset: 3, createdAtMs: 30, checksum: 'c', data: new Uint8Array([3]) });
    const retention = new SnapshotRetentionRepository(dataSource);
    await expect(retention.headers()).resolves.toEqual([
      { partition: 0, offset: 3, createdAtMs: 30, checksum: 'c' },
      { partition: 1, offset: 9, createdAtMs: 90, checksum: 'b' },
      { partition: 1, offset: 5, createdAtMs: 50, checksum: 'a' },
    ]);
    await expect(retention.data(1, 9)).resolves.toEqual(new Uint8Array([2]));
    await retention.delete(1, 5);
    await expect(retention.data(1, 5)).resolves.toBeNull();
  });
});
