import type { CustomerKeyStore, ErasureTombstone, StoredDataKey } from '../customer-key-store';

/** The key store for unit specs; the real one (CustomerKeyRepository) has its own integration suite on both dialects. */
export class InMemoryCustomerKeyStore implements CustomerKeyStore {
  readonly keys = new Map<string, StoredDataKey>();
  readonly tombstones = new Map<string, ErasureTombstone>();
  findCalls = 0;

  async findKeys(subjects: readonly string[]): Promise<StoredDataKey[]> {
    this.findCalls++;
    return subjects.flatMap((subject) => (this.keys.has(subject) ? [this.keys.get(subject)!] : []));
  }

  async createKeys(keys: readonly StoredDataKey[]): Promise<StoredDataKey[]> {
    const stored: StoredDataKey[] = [];
    for (const key of keys) {
      if (this.tombstones.has(key.subject)) continue;
      if (!this.keys.has(key.subject)) this.keys.set(key.subject, key);
      stored.push(this.keys.get(key.subject)!);
    }
    return stored;
  }

  async destroyKey(tombstone: ErasureTombstone): Promise<ErasureTombstone> {
    if (!this.tombstones.has(tombstone.customerId)) this.tombstones.set(tombstone.customerId, tombstone);
    this.keys.delete(tombstone.customerId);
    return this.tombstones.get(tombstone.customerId)!;
  }

  async discardKeys(subjects: readonly string[]): Promise<void> {
    for (const subject of subjects) this.keys.delete(subject);
  }
}
