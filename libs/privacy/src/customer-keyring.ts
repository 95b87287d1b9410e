import { KairosError } from '@kairos/contracts';
import { CustomerKeyStore, ErasureTombstone, StoredDataKey } from './customer-key-store';
import { DataKeyCache } from './data-key-cache';
import { DATA_KEY_BYTES, generateDataKey, masterKeyId, unwrapDataKey, wrapDataKey } from './data-key';
import { auditContext, openText, sealText } from './sealed-value';

export interface CustomerKeyringOptions {
  /** Unwrapped keys kept in memory (default 100,000: about 10 MB). */
  readonly cacheSize?: number;
  /** How long a cached key is trusted before it is read again, in ms (default 5 minutes). */
  readonly cacheTtlMs?: number;
  readonly clock?: () => number;
}

/**
 * Per-customer data keys for crypto-shredding: each customer's personal data is sealed with a random AES-256 key
 * of their own, created on first need and stored only wrapped by the key-encryption key (KAIROS_MASTER_KEY or
 * the embedded master.key file). Destroying the key erases every sealed copy at once, wherever it lies.
 * Implements the audit trail's PersonalDataCipher.
 */
export class CustomerKeyring {
  readonly masterKeyId: string;
  private readonly cache: DataKeyCache;
  private readonly clock: () => number;
  private readonly masterKey: Buffer;

  constructor(
    private readonly store: CustomerKeyStore,
    masterKey: Uint8Array,
    options: CustomerKeyringOptions = {},
  ) {
    if (masterKey.length !== DATA_KEY_BYTES) throw new KairosError('INTERNAL', `the master key must be ${DATA_KEY_BYTES} bytes`);
    this.masterKey = Buffer.from(masterKey);
    this.masterKeyId = masterKeyId(this.masterKey);
    this.clock = options.clock ?? Date.now;
    this.cache = new DataKeyCache(options.cacheSize ?? 100_000, options.cacheTtlMs ?? 5 * 60_000, this.clock);
  }

  /**
   * Keys to seal with, creating the missing ones. An erased subject maps to null: nothing may be sealed for it
   * again. One query for the keys not cached, one more for the keys created (customers' first personal events).
   */
  async sealingKeys(subjects: Iterable<string>): Promise<Map<string, Buffer | null>> {
    const wanted = [...new Set(subjects)];
    const keys = new Map<string, Buffer | null>(await this.openingKeys(wanted));
    const missing = wanted.filter((subject) => !keys.has(subject));
    if (missing.length === 0) return keys;
    const createdAtMs = this.clock();
    const created = await this.store.createKeys(
      missing.map((subject) => ({ subject, wrappedKey: wrapDataKey(this.masterKey, subject, generateDataKey()), kekId: this.masterKeyId, createdAtMs })),
    );
    for (const stored of created) keys.set(stored.subject, this.remember(stored));
    for (const subject of missing) if (!keys.has(subject)) keys.set(subject, null);
    return keys;
  }

  /** Keys to open with: only existing ones, never created. A destroyed key is simply absent. One query for a batch. */
  async openingKeys(subjects: Iterable<string>): Promise<Map<string, Buffer>> {
    const keys = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const subject of subjects) {
      if (keys.has(subject)) continue;
      const cached = this.cache.get(subject);
      if (cached) keys.set(subject, cached);
      else missing.push(subject);
    }
    if (missing.length === 0) return keys;
    for (const stored of await this.store.findKeys([...new Set(missing)])) keys.set(stored.subject, this.remember(stored));
    return keys;
  }

  /** The sealing key of one subject; throws CUSTOMER_ERASED once the subject is erased. */
  async sealingKey(subject: string): Promise<Buffer> {
    const key = (await this.sealingKeys([subject])).get(subject);
    if (!key) throw new KairosError('CUSTOMER_ERASED', 'the customer was erased (Art. 17 GDPR); no personal data can be stored for them');
    return key;
  }

  /**
   * Destroys the customer's key and writes the tombstone in one transaction; afterwards sealing is refused and
   * opening yields nothing. Returns the tombstone in force (the first one if the customer was already erased).
   */
  async destroy(tombstone: ErasureTombstone): Promise<ErasureTombstone> {
    const inForce = await this.store.destroyKey(tombstone);
    this.cache.delete(tombstone.customerId);
    return inForce;
  }

  /** Deletes keys that need no tombstone (parking keys of identifiers). */
  async discard(subjects: readonly string[]): Promise<void> {
    if (subjects.length === 0) return;
    await this.store.discardKeys(subjects);
    for (const subject of subjects) this.cache.delete(subject);
  }

  /** Drops a cached key: another process destroyed it (the worker calls this on a `customer_erased` event). */
  forget(subject: string): void {
    this.cache.delete(subject);
  }

  /** PersonalDataCipher: seals personal data the audit trail keeps about `subject`. */
  async seal(subject: string, plaintext: string): Promise<string> {
    return sealText(await this.sealingKey(subject), auditContext(subject), plaintext);
  }

  /** PersonalDataCipher: the plaintext, or null once the subject's key is destroyed (shown as `erased`). */
  async open(subject: string, sealed: string): Promise<string | null> {
    const key = (await this.openingKeys([subject])).get(subject);
    return key ? openText(key, auditContext(subject), sealed) : null;
  }

  private remember(stored: StoredDataKey): Buffer {
    if (stored.kekId !== this.masterKeyId) {
      throw new KairosError(
        'INTERNAL',
        `the data key of a subject was wrapped by master key ${stored.kekId}, this process runs with ${this.masterKeyId}: start it with the master key the database was written with`,
      );
    }
    const key = unwrapDataKey(this.masterKey, stored.subject, stored.wrappedKey);
    this.cache.set(stored.subject, key);
    return key;
  }
}
