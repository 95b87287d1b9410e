import { createHash } from 'node:crypto';
import { KairosError } from '@kairos/contracts';
import { ROLES } from '../principal/access-vocabulary';
import { ApiKeyService } from './api-key.service';
import type { ApiKeyStore, StoredApiKey } from './api-key-store';
import { DEMO_API_KEYS } from './demo-api-keys';
import { InMemoryApiKeyStore } from './in-memory-api-key-store';

const PEPPER = 'test-pepper-0123456789abcdef';

function serviceWith(overrides: Partial<ConstructorParameters<typeof ApiKeyService>[0]> = {}) {
  const store = new InMemoryApiKeyStore();
  let clock = 1_700_000_000_000;
  const service = new ApiKeyService({ store, pepper: PEPPER, demoKeysAllowed: false, now: () => clock, ...overrides });
  return { store: (overrides.store as InMemoryApiKeyStore | undefined) ?? store, service, advance: (ms: number) => (clock += ms) };
}

/** A store that counts lookups, to prove revocation is read from the store and not from a cache. */
class CountingStore extends InMemoryApiKeyStore {
  lookups = 0;
  override async findByHash(keyHash: string): Promise<StoredApiKey | null> {
    this.lookups++;
    return super.findByHash(keyHash);
  }
}

describe('API keys', () => {
  it('issues keys in the documented format and verifies them to their principal', async () => {
    const { service } = serviceWith();
    const issued = await service.issue({ role: 'channel', channel: 'ivr', label: 'ivr platform' });
    expect(issued.plaintext).toMatch(/^kairos_[A-Za-z0-9_-]{43}$/);
    await expect(service.verify(issued.plaintext)).resolves.toEqual({ id: `key:${issued.id}`, role: 'channel', channel: 'ivr', kind: 'api-key' });
    await expect(service.verify(issued.plaintext.slice(0, -1) + (issued.plaintext.endsWith('A') ? 'B' : 'A'))).resolves.toBeNull();
  });

  it('refuses inconsistent issue requests', async () => {
    const { service } = serviceWith();
    await expect(service.issue({ role: 'channel', label: 'no channel' })).rejects.toThrow(KairosError);
    await expect(service.issue({ role: 'dpo', channel: 'web', label: 'dpo with a channel' })).rejects.toThrow(KairosError);
    await expect(service.issue({ role: 'root' as never, label: 'x' })).rejects.toThrow(KairosError);
  });

  /** Z4: after issuing 100 keys, nothing at rest contains a key or its random part. */
  it('Z4: stores 100 issued keys with 0 plaintext at rest', async () => {
    const { store, service } = serviceWith();
    const issued = [];
    for (let i = 0; i < 100; i++) issued.push(await service.issue({ role: ROLES[i % ROLES.length]!, ...(i % ROLES.length === 0 ? { channel: 'web' as const } : {}), label: `key ${i}` }));
    const stored = await store.list();
    expect(stored).toHaveLength(100);
    const atRest = stored.map((key) => JSON.stringify(key)).join('\n');
    let plaintextFound = 0;
    for (const key of issued) {
      const secretPart = key.plaintext.slice('kairos_'.length);
      if (atRest.includes(key.plaintext) || atRest.includes(secretPart) || atRest.includes(Buffer.from(secretPart, 'base64url').toString('hex'))) plaintextFound++;
      // An unpeppered hash would let a leaked table confirm guesses; the stored value must not be one.
      if (atRest.includes(createHash('sha256').update(key.plaintext).digest('base64url'))) plaintextFound++;
    }
    expect(plaintextFound).toBe(0);
    for (const key of issued) await expect(service.verify(key.plaintext)).resolves.not.toBeNull();
  });

  it('hashes depend on the pepper: the same table under another pepper verifies nothing', async () => {
    const { store, service } = serviceWith();
    const issued = await service.issue({ role: 'admin', label: 'ops' });
    const otherPepper = new ApiKeyService({ store, pepper: 'another-pepper-0123456789', demoKeysAllowed: false });
    await expect(otherPepper.verify(issued.plaintext)).resolves.toBeNull();
  });

  it('Z4: a revoked key fails on the very next verification, even with a positive cache', async () => {
    const store = new CountingStore();
    const { service } = serviceWith({ store, positiveCacheTtlMs: 60_000 });
    const issued = await service.issue({ role: 'admin', label: 'ops' });
    await expect(service.verify(issued.plaintext)).resolves.not.toBeNull();
    await expect(service.verify(issued.plaintext)).resolves.not.toBeNull();
    expect(store.lookups).toBe(1);
    await service.revoke(issued.id);
    await expect(service.verify(issued.plaintext)).resolves.toBeNull();
  });

  it('without a cache, a revoke written to the store by another process is seen on the next verification', async () => {
    const store = new CountingStore();
    const { service } = serviceWith({ store });
    const issued = await service.issue({ role: 'admin', label: 'ops' });
    await expect(service.verify(issued.plaintext)).resolves.not.toBeNull();
    await store.revoke(issued.id, 0);
    await expect(service.verify(issued.plaintext)).resolves.toBeNull();
  });

  it('refuses malformed and oversized bearer values without a store lookup', async () => {
    const store = new CountingStore();
    const { service } = serviceWith({ store });
    for (const value of ['', 'kairos_', 'kairos_short', 'x'.repeat(10_000), 'demo-admin', 'Bearer kairos_x']) await expect(service.verify(value)).resolves.toBeNull();
    expect(store.lookups).toBe(0);
  });

  describe('demo keys', () => {
    it('seeds one principal per role (plus IVR and ATM channels), hashed, in development mode', async () => {
      const { store, service } = serviceWith({ demoKeysAllowed: true });
      await expect(service.seedDemoKeys()).resolves.toBe(DEMO_API_KEYS.length);
      await expect(service.seedDemoKeys()).resolves.toBe(0);
      const atRest = JSON.stringify(await store.list());
      for (const demo of DEMO_API_KEYS) expect(atRest.includes(`"${demo.key}"`)).toBe(false);
      for (const role of ROLES) await expect(service.verify(`demo-${role}`)).resolves.toEqual(expect.objectContaining({ role }));
      await expect(service.verify('demo-channel')).resolves.toEqual(expect.objectContaining({ channel: 'web' }));
      await expect(service.verify('demo-channel-ivr')).resolves.toEqual(expect.objectContaining({ channel: 'ivr' }));
    });

    it('refuses demo keys outside development mode even when they are in the store', async () => {
      const store = new InMemoryApiKeyStore();
      await new ApiKeyService({ store, pepper: PEPPER, demoKeysAllowed: true }).seedDemoKeys();
      const production = new ApiKeyService({ store, pepper: PEPPER, demoKeysAllowed: false });
      for (const demo of DEMO_API_KEYS) await expect(production.verify(demo.key)).resolves.toBeNull();
      await expect(production.seedDemoKeys()).rejects.toThrow(KairosError);
    });

    it('refuses a demo principal stored under an issued-format key outside development mode', async () => {
      const store: ApiKeyStore = new InMemoryApiKeyStore();
      const dev = new ApiKeyService({ store, pepper: PEPPER, demoKeysAllowed: false });
      const issued = await dev.issue({ role: 'admin', label: 'x' });
      const [stored] = await store.list();
      await store.save({ ...stored!, principalId: 'demo:admin' });
      await expect(dev.verify(issued.plaintext)).resolves.toBeNull();
    });
  });
});
