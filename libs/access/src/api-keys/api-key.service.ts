import { randomUUID } from 'node:crypto';
import { KairosError } from '@kairos/contracts';
import { isConsistentPrincipal, isRole, type Channel, type Principal, type Role } from '../principal/access-vocabulary';
import { ApiKeyHasher, generateApiKey, isIssuedKeyFormat } from './api-key-hasher';
import type { ApiKeyStore, StoredApiKey } from './api-key-store';
import { DEMO_API_KEYS, DEMO_KEY_PREFIX, DEMO_PRINCIPAL_PREFIX } from './demo-api-keys';

export interface ApiKeyServiceOptions {
  readonly store: ApiKeyStore;
  readonly pepper: string;
  /** Accept `demo-*` keys. Decided once at start; the access module forces it off when NODE_ENV=production. */
  readonly demoKeysAllowed: boolean;
  /**
   * Cache successful lookups this long, in ms (0 = off, the default). A revoke through this service evicts at once;
   * a revoke by another process is seen only after the TTL, so keep 0 when several processes share the store.
   */
  readonly positiveCacheTtlMs?: number;
  readonly now?: () => number;
}

export interface IssueApiKeyRequest {
  readonly role: Role;
  readonly channel?: Channel;
  readonly label: string;
  /** Whom the key acts for; defaults to a principal of its own (`key:<id>`). */
  readonly principalId?: string;
}

export interface IssuedApiKey {
  readonly id: string;
  /** Shown once; only its hash is stored. */
  readonly plaintext: string;
  readonly principal: Principal;
}

interface CachedPrincipal {
  readonly keyId: string;
  readonly principal: Principal;
  readonly expiresAtMs: number;
}

/** Longest bearer value worth hashing; anything longer is not one of our keys. */
const MAX_KEY_LENGTH = 128;

export class ApiKeyService {
  private readonly hasher: ApiKeyHasher;
  private readonly now: () => number;
  private readonly cacheTtlMs: number;
  private readonly cache = new Map<string, CachedPrincipal>();

  constructor(private readonly options: ApiKeyServiceOptions) {
    this.hasher = new ApiKeyHasher(options.pepper);
    this.now = options.now ?? Date.now;
    this.cacheTtlMs = options.positiveCacheTtlMs ?? 0;
  }

  async issue(request: IssueApiKeyRequest): Promise<IssuedApiKey> {
    if (!isRole(request.role)) throw new KairosError('VALIDATION_FAILED', 'unknown role', [{ path: 'role', rule: 'invalid_value', message: 'unknown role' }]);
    if (!isConsistentPrincipal(request.role, request.channel)) {
      throw new KairosError('VALIDATION_FAILED', 'a channel key needs exactly one known channel; other roles take none', [
        { path: 'channel', rule: 'channel_required_for_channel_role', message: 'channel keys need a known channel; other roles none' },
      ]);
    }
    const id = randomUUID();
    const plaintext = generateApiKey();
    const principalId = request.principalId ?? `key:${id}`;
    if (principalId.startsWith(DEMO_PRINCIPAL_PREFIX)) throw new KairosError('VALIDATION_FAILED', 'the demo: principal prefix is reserved');
    const stored: StoredApiKey = {
      id,
      principalId,
      role: request.role,
      ...(request.channel === undefined ? {} : { channel: request.channel }),
      keyHash: this.hasher.hash(plaintext),
      label: request.label,
      createdAtMs: this.now(),
    };
    await this.options.store.save(stored);
    return { id, plaintext, principal: toPrincipal(stored) };
  }

  /** The principal of a valid, unrevoked key, or null. Never throws for a bad key: the caller answers 401. */
  async verify(plaintext: string): Promise<Principal | null> {
    if (plaintext.length > MAX_KEY_LENGTH) return null;
    const isDemo = plaintext.startsWith(DEMO_KEY_PREFIX);
    if (isDemo ? !this.options.demoKeysAllowed : !isIssuedKeyFormat(plaintext)) return null;

    const keyHash = this.hasher.hash(plaintext);
    if (this.cacheTtlMs > 0) {
      const hit = this.cache.get(keyHash);
      if (hit !== undefined && hit.expiresAtMs > this.now()) return hit.principal;
      if (hit !== undefined) this.cache.delete(keyHash);
    }

    const stored = await this.options.store.findByHash(keyHash);
    if (stored === null || stored.keyHash !== keyHash) return null;
    if (stored.revokedAtMs !== undefined && stored.revokedAtMs <= this.now()) return null;
    // A demo principal in the store is still a demo principal, whatever its key looks like.
    if (!this.options.demoKeysAllowed && stored.principalId.startsWith(DEMO_PRINCIPAL_PREFIX)) return null;
    if (!isRole(stored.role) || !isConsistentPrincipal(stored.role, stored.channel)) return null;

    const principal = toPrincipal(stored);
    if (this.cacheTtlMs > 0) this.cache.set(keyHash, { keyId: stored.id, principal, expiresAtMs: this.now() + this.cacheTtlMs });
    return principal;
  }

  async revoke(id: string): Promise<void> {
    await this.options.store.revoke(id, this.now());
    for (const [hash, entry] of this.cache) if (entry.keyId === id) this.cache.delete(hash);
  }

  /** Stores the demo keys (hashed, like any other key) unless already present. Refused outside development mode. */
  async seedDemoKeys(): Promise<number> {
    if (!this.options.demoKeysAllowed) throw new KairosError('FORBIDDEN', 'demo API keys exist only in development mode');
    let seeded = 0;
    for (const demo of DEMO_API_KEYS) {
      const keyHash = this.hasher.hash(demo.key);
      if ((await this.options.store.findByHash(keyHash)) !== null) continue;
      await this.options.store.save({
        id: demo.principalId,
        principalId: demo.principalId,
        role: demo.role,
        ...(demo.channel === undefined ? {} : { channel: demo.channel }),
        keyHash,
        label: `demo key for ${demo.principalId.slice(DEMO_PRINCIPAL_PREFIX.length)}`,
        createdAtMs: this.now(),
      });
      seeded++;
    }
    return seeded;
  }
}

function toPrincipal(stored: StoredApiKey): Principal {
  return Object.freeze(stored.channel === undefined
    ? { id: stored.principalId, role: stored.role, kind: 'api-key' }
    : { id: stored.principalId, role: stored.role, channel: stored.channel, kind: 'api-key' });
}
