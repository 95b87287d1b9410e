import type { ApiKeyStore, StoredApiKey } from './api-key-store';

/** Keeps keys in maps; for tests and single-process demos. Returns copies so callers cannot change what is stored. */
export class InMemoryApiKeyStore implements ApiKeyStore {
  private readonly byId = new Map<string, StoredApiKey>();
  private readonly idByHash = new Map<string, string>();

  async findByHash(keyHash: string): Promise<StoredApiKey | null> {
    const id = this.idByHash.get(keyHash);
    const key = id === undefined ? undefined : this.byId.get(id);
    return key === undefined ? null : { ...key };
  }

  async save(key: StoredApiKey): Promise<void> {
    const previous = this.byId.get(key.id);
    if (previous !== undefined) this.idByHash.delete(previous.keyHash);
    const owner = this.idByHash.get(key.keyHash);
    if (owner !== undefined && owner !== key.id) throw new Error('an API key with this hash is already stored');
    this.byId.set(key.id, { ...key });
    this.idByHash.set(key.keyHash, key.id);
  }

  async revoke(id: string, atMs: number): Promise<void> {
    const key = this.byId.get(id);
    if (key !== undefined && key.revokedAtMs === undefined) this.byId.set(id, { ...key, revokedAtMs: atMs });
  }

  async list(): Promise<StoredApiKey[]> {
    return [...this.byId.values()].map((key) => ({ ...key }));
  }
}
