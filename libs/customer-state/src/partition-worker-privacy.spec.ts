import { randomBytes } from 'node:crypto';
import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import { CustomerKeyStore, CustomerKeyring, ErasureTombstone, PersonalDataOpener, PersonalDataSealer, StoredDataKey } from '@kairos/privacy';
import { profileOf, profileView } from '@kairos/profile';
import { inMemoryWorker } from './testing/in-memory-worker';

/** Just enough key store for the worker: the real one has its own integration suite on both dialects. */
class MemoryKeys implements CustomerKeyStore {
  readonly keys = new Map<string, StoredDataKey>();
  queries = 0;
  async findKeys(subjects: readonly string[]) {
    this.queries++;
    return subjects.flatMap((s) => (this.keys.has(s) ? [this.keys.get(s)!] : []));
  }
  async createKeys(keys: readonly StoredDataKey[]) {
    for (const key of keys) if (!this.keys.has(key.subject)) this.keys.set(key.subject, key);
    return keys.map((key) => this.keys.get(key.subject)!);
  }
  async destroyKey(tombstone: ErasureTombstone) {
    this.keys.delete(tombstone.customerId);
    return tombstone;
  }
  async discardKeys() {}
}

const at = Date.parse('2026-11-01T10:00:00.000Z');
function event(customerId: string, offset: number, type: CustomerEvent['type'], data: object): LoggedEvent {
  return { partition: 0, offset, event: { id: `e-${offset}`, type, customerId, occurredAt: new Date(at).toISOString(), occurredAtMs: at, receivedAtMs: at, source: 'test', data } as CustomerEvent };
}
const registered = (customerId: string, offset: number) =>
  event(customerId, offset, 'customer_registered', { birthDate: '1987-03-14', country: 'DE', language: 'de', firstName: 'CanaryVorname-7f3a', contact: { email: 'canary-7f3a@example.org' } });

function setUp() {
  const keys = new MemoryKeys();
  const keyring = new CustomerKeyring(keys, randomBytes(32));
  const purged: [number, number][] = [];
  const seen: LoggedEvent[] = [];
  const { worker, saved } = inMemoryWorker({
    opener: new PersonalDataOpener(keyring),
    erasedSnapshots: { deleteSnapshotsBefore: async (partition, offset) => (purged.push([partition, offset]), 1) },
  });
  worker.onApplied((_partition, records) => seen.push(...records));
  const seal = async (record: LoggedEvent): Promise<LoggedEvent> => {
    const [sealed] = await new PersonalDataSealer(keyring).seal([{ event: record.event, subject: record.event.customerId }]);
    return { ...record, event: sealed! };
  };
  return { worker, keys, saved, purged, seen, seal };
}

describe('PartitionWorker with sealed personal data', () => {
  it('opens sealed fields for the fold and its listeners, with one key query per batch', async () => {
    const { worker, keys, seen, seal } = setUp();
    await worker.onAssigned([0]);
    const batch = [await seal(registered('c-1', 0)), await seal(registered('c-2', 1)), event('c-1', 2, 'login', { channel: 'web' })];
    expect(JSON.stringify(batch)).not.toContain('1987-03-14');
    const before = keys.queries;
    await worker.onRecords(0, batch);
    expect(keys.queries - before).toBeLessThanOrEqual(1);
    const store = worker.store(0)!;
    expect(profileView(profileOf(store, 'c-1')!, store.registry, at).attributes.birthDate).toBe('1987-03-14');
    expect((seen[0].event as CustomerEvent<'customer_registered'>).data.firstName).toBe('CanaryVorname-7f3a');
  });

  it('writes a fresh snapshot after a customer_erased record, then deletes the snapshots older than it', async () => {
    const { worker, saved, purged, seal } = setUp();
    await worker.onAssigned([0]);
    await worker.onRecords(0, [await seal(registered('c-1', 0)), event('c-2', 1, 'login', { channel: 'web' })]);
    await worker.snapshotAll();
    expect(purged).toEqual([]);
    await worker.onRecords(0, [event('c-1', 2, 'customer_erased', { requestId: 'dsr-1', receivedAt: new Date(at).toISOString() }), event('c-2', 3, 'login', { channel: 'app' })]);
    expect(saved.map((s) => s.offset)).toEqual([1, 3]);
    expect(purged).toEqual([[0, 2]]);
    expect(profileOf(worker.store(0)!, 'c-1')).toBeUndefined();
  });
});
