import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from './data-source';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { EventIndexRepository } from './repositories/event-index.repository';
import { IdentityRepository } from './repositories/identity.repository';
import { PartitionSnapshotRepository } from './repositories/partition-snapshot.repository';

describe.each(STORAGE_DIALECTS)('persistence on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  beforeAll(() => (dataSource = database.dataSource()));

  it('migrates from empty with no drift between migrations and entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
    await expect(dataSource.showMigrations()).resolves.toBe(false);
  });

  it('keeps the newest three snapshots of a partition, newest first, byte for byte', async () => {
    const snapshots = new PartitionSnapshotRepository(dataSource);
    for (let offset = 10; offset <= 50; offset += 10) {
      await snapshots.save({ partition: 2, offset, createdAtMs: offset, checksum: `c${offset}`, data: new Uint8Array([offset, 0, 255]) });
    }
    const stored = await snapshots.newestFirst(2);
    expect(stored.map((s) => s.offset)).toEqual([50, 40, 30]);
    expect(Array.from(stored[0].data)).toEqual([50, 0, 255]);
    await expect(snapshots.newestFirst(3)).resolves.toEqual([]);
  });

  it('runs overlapping transactions of different repositories without interfering', async () => {
    const snapshots = new PartitionSnapshotRepository(dataSource);
    const keys = new ApiKeyRepository(dataSource);
    const writes = Array.from({ length: 20 }, (_, i) => [
      snapshots.save({ partition: 7, offset: i + 1, createdAtMs: i, checksum: `t${i}`, data: new Uint8Array([i]) }),
      dataSource.transaction(async (manager) => {
        await manager.query('SELECT 1');
        await manager.getRepository('ApiKey').insert({ id: `tx-${i}`, principalId: 'p', role: 'dpo', channel: null, keyHash: `${i}`.padStart(64, 'a'), label: 'tx', createdAtMs: i });
      }),
    ]).flat();
    await expect(Promise.all(writes)).resolves.toHaveLength(40);
    await expect(snapshots.newestFirst(7)).resolves.toHaveLength(3);
    await expect(keys.findByHash('19'.padStart(64, 'a'))).resolves.toEqual(expect.objectContaining({ id: 'tx-19' }));
  });

  it('indexes event ids first-write-wins', async () => {
    const index = new EventIndexRepository(dataSource);
    const location = { eventId: 'e-1', customerId: 'c-1', type: 'login', partition: 1, offset: 7, receivedAtMs: 1, storedAtMs: 2 };
    await index.record([location]);
    await index.record([{ ...location, offset: 99 }]);
    await expect(index.find('e-1')).resolves.toEqual(location);
    await expect(index.findExisting(['e-1', 'e-2'])).resolves.toEqual(new Map([['e-1', location]]));
  });

  it('links identifiers once and parks events until their identifier is known', async () => {
    const identities = new IdentityRepository(dataSource);
    await identities.link('c-1', [{ kind: 'cardId', value: 'card-1' }], 1);
    await identities.link('c-2', [{ kind: 'cardId', value: 'card-1' }], 2);
    await expect(identities.resolve([{ kind: 'cardId', value: 'card-1' }])).resolves.toBe('c-1');
    await expect(identities.resolve([{ kind: 'deviceId', value: 'dev-1' }])).resolves.toBeNull();

    const ref = { kind: 'deviceId', value: 'dev-1' } as const;
    const event = { id: 'e-9', type: 'login', occurredAt: '2026-01-01T00:00:00Z', occurredAtMs: 0, receivedAtMs: 5, source: 'web', data: { channel: 'web' }, identifiers: { deviceId: 'dev-1' } } as const;
    await identities.park([{ event, ref }]);
    await identities.park([{ event, ref }]);
    await expect(identities.parkedFor([ref])).resolves.toEqual([{ eventId: 'e-9', payload: JSON.stringify(event) }]);
    await identities.unpark(['e-9']);
    await expect(identities.parkedFor([ref])).resolves.toEqual([]);
  });

  it('stores API keys by hash only and revokes them', async () => {
    const keys = new ApiKeyRepository(dataSource);
    await keys.save({ id: 'k-1', principalId: 'p-1', role: 'channel', channel: 'ivr', keyHash: 'h'.repeat(64), label: 'ivr', createdAtMs: 1 });
    await expect(keys.findByHash('h'.repeat(64))).resolves.toEqual(expect.objectContaining({ id: 'k-1', channel: 'ivr' }));
    await keys.revoke('k-1', 9);
    await expect(keys.findByHash('h'.repeat(64))).resolves.toEqual(expect.objectContaining({ revokedAtMs: 9 }));
  });
});
