import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CustomerKeyring } from '@kairos/privacy';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import type { DataSource } from 'typeorm';
import { pendingSchemaChanges } from '../data-source';
import { IdentityRepository } from '../repositories/identity.repository';
import { EventIndexRepository } from '../repositories/event-index.repository';
import { PartitionSnapshotRepository } from '../repositories/partition-snapshot.repository';
import { CustomerKeyRepository } from './customer-key.repository';
import { ErasureRepository } from './erasure.repository';

const key = (subject: string, fill = 1) => ({ subject, wrappedKey: new Uint8Array(60).fill(fill), kekId: 'kek-0123456789ab', createdAtMs: 1_000 });

describe.each(STORAGE_DIALECTS)('privacy tables on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let keys: CustomerKeyRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    keys = new CustomerKeyRepository(dataSource);
  });

  it('migrates with no drift between migrations and entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('creates a key once: a second creation gets the first key back', async () => {
    await expect(keys.createKeys([key('c-1', 1)])).resolves.toEqual([key('c-1', 1)]);
    await expect(keys.createKeys([key('c-1', 2), key('c-1b', 3)])).resolves.toEqual(expect.arrayContaining([key('c-1', 1), key('c-1b', 3)]));
    await expect(keys.findKeys(['c-1', 'c-unknown'])).resolves.toEqual([key('c-1', 1)]);
  });

  it('creates the keys of a large batch at once (beyond one statement chunk)', async () => {
    const batch = Array.from({ length: 450 }, (_, i) => key(`bulk-${i}`, i % 250));
    await expect(keys.createKeys(batch)).resolves.toHaveLength(450);
    await expect(keys.findKeys(batch.map((k) => k.subject))).resolves.toHaveLength(450);
  });

  it('destroys a key with its tombstone; afterwards no key can be created and the first tombstone stays in force', async () => {
    await keys.createKeys([key('c-2')]);
    const first = { customerId: 'c-2', requestId: 'dsr-1', erasedAtMs: 5_000 };
    await expect(keys.destroyKey(first)).resolves.toEqual(first);
    await expect(keys.findKeys(['c-2'])).resolves.toEqual([]);
    await expect(keys.createKeys([key('c-2'), key('c-2b')])).resolves.toEqual([key('c-2b')]);
    await expect(keys.findKeys(['c-2'])).resolves.toEqual([]);
    await expect(keys.destroyKey({ customerId: 'c-2', requestId: 'dsr-2', erasedAtMs: 9_000 })).resolves.toEqual(first);
  });

  it('never leaves a key next to a tombstone when creations race an erasure', async () => {
    for (let round = 0; round < 10; round++) {
      const subject = `race-${round}`;
      const creations = Array.from({ length: 8 }, (_, i) => keys.createKeys([key(`other-${round}-${i}`), key(subject, i + 1)]).then((c) => c.find((k) => k.subject === subject) ?? null));
      const erasure = keys.destroyKey({ customerId: subject, requestId: `dsr-${round}`, erasedAtMs: 1 });
      const created = await Promise.all(creations);
      await erasure;
      await expect(keys.findKeys([subject])).resolves.toEqual([]);
      // Every creation that got a key agrees on the same one.
      expect(new Set(created.filter((k) => k !== null).map((k) => k!.wrappedKey[0])).size).toBeLessThanOrEqual(1);
    }
  });

  it('discards parking keys without a tombstone', async () => {
    await keys.createKeys([key('~parked:cardId:card-9')]);
    await keys.discardKeys(['~parked:cardId:card-9']);
    await expect(keys.findKeys(['~parked:cardId:card-9'])).resolves.toEqual([]);
    await expect(keys.createKeys([key('~parked:cardId:card-9')])).resolves.toHaveLength(1);
  });

  it('backs the keyring: sealed audit data opens until the key is destroyed, then never again', async () => {
    const keyring = new CustomerKeyring(keys, randomBytes(32));
    const sealed = await keyring.seal('c-3', 'Dear CanaryVorname-7f3a');
    await expect(new CustomerKeyring(keys, randomBytes(32)).open('c-3', sealed)).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(keyring.open('c-3', sealed)).resolves.toBe('Dear CanaryVorname-7f3a');
    await keyring.destroy({ customerId: 'c-3', requestId: 'dsr-3', erasedAtMs: 1 });
    await expect(keyring.open('c-3', sealed)).resolves.toBeNull();
    await expect(keyring.seal('c-3', 'again')).rejects.toMatchObject({ code: 'CUSTOMER_ERASED' });
  });

  it('deletes what an erasure removes outside the log, and reports its progress', async () => {
    const erasures = new ErasureRepository(dataSource);
    const identities = new IdentityRepository(dataSource);
    const index = new EventIndexRepository(dataSource);
    const snapshots = new PartitionSnapshotRepository(dataSource);
    await identities.link('c-4', [{ kind: 'cardId', value: 'card-4' }, { kind: 'deviceId', value: 'dev-4' }], 1);
    await identities.link('c-5', [{ kind: 'cardId', value: 'card-5' }], 1);
    const parked = (id: string, deviceId: string) => ({
      event: { id, type: 'login' as const, occurredAt: '2026-01-01T00:00:00Z', occurredAtMs: 0, receivedAtMs: 1, source: 'web', data: { channel: 'web' as const }, identifiers: { deviceId } },
      ref: { kind: 'deviceId' as const, value: deviceId },
    });
    await identities.park([parked('p-1', 'dev-4'), parked('p-2', 'dev-5')]);
    const location = (eventId: string, customerId: string) => ({ eventId, customerId, type: 'login', partition: 1, offset: 1, receivedAtMs: 1, storedAtMs: 1 });
    await index.record([location('e-4a', 'c-4'), location('e-4b', 'c-4'), location('erasure-4', 'c-4'), location('e-5', 'c-5')]);
    for (const offset of [10, 20, 30]) await snapshots.save({ partition: 6, offset, createdAtMs: offset, checksum: 'x', data: new Uint8Array([1]) });

    const refs = await erasures.linkedIdentifiers('c-4');
    expect(refs).toEqual(expect.arrayContaining([{ kind: 'cardId', value: 'card-4' }, { kind: 'deviceId', value: 'dev-4' }]));
    await expect(erasures.deleteParkedEvents(refs)).resolves.toBe(1);
    await expect(erasures.deleteIdentityLinks('c-4')).resolves.toBe(2);
    await expect(erasures.deleteEventIndex('c-4', ['erasure-4'])).resolves.toBe(2);
    await expect(erasures.deleteSnapshotsBefore(6, 25)).resolves.toBe(2);

    await expect(identities.resolve([{ kind: 'cardId', value: 'card-4' }])).resolves.toBeNull();
    await expect(identities.resolve([{ kind: 'cardId', value: 'card-5' }])).resolves.toBe('c-5');
    await expect(identities.isParked(['p-1', 'p-2'])).resolves.toEqual(new Set(['p-2']));
    await expect(index.find('e-4a')).resolves.toBeNull();
    await expect(index.find('erasure-4')).resolves.not.toBeNull();
    await expect(index.find('e-5')).resolves.not.toBeNull();
    await expect(erasures.snapshotOffsets(6)).resolves.toEqual([30]);
    await expect(erasures.deleteIdentityLinks('c-4')).resolves.toBe(0);

    await keys.destroyKey({ customerId: 'c-4', requestId: 'dsr-4', erasedAtMs: 7 });
    await expect(erasures.incomplete()).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ customerId: 'c-4', completedAtMs: null })]));
    await erasures.saveProgress('c-4', '{"steps":[]}', 8);
    await expect(erasures.find('c-4')).resolves.toEqual({ customerId: 'c-4', requestId: 'dsr-4', erasedAtMs: 7, completedAtMs: 8, receipt: '{"steps":[]}' });
    await expect(erasures.incomplete()).resolves.not.toEqual(expect.arrayContaining([expect.objectContaining({ customerId: 'c-4' })]));
  });

  if (dialect === 'sqlite') {
    it('leaves no copy of a destroyed wrapped key in kairos.db or its WAL', async () => {
      const marker = randomBytes(60);
      await keys.createKeys([{ ...key('c-shred'), wrappedKey: marker }]);
      const dir = (dataSource.options as { database: string }).database.replace(/kairos\.db$/, '');
      const files = ['kairos.db', 'kairos.db-wal'].map((f) => join(dir, f)).filter((f) => existsSync(f));
      const hits = () => files.filter((f) => readFileSync(f).includes(marker)).length;
      expect(hits()).toBeGreaterThan(0);
      await keys.destroyKey({ customerId: 'c-shred', requestId: 'dsr-shred', erasedAtMs: 1 });
      expect(hits()).toBe(0);
    });
  }
});
