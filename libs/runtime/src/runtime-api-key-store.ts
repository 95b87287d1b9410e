import type { ApiKeyStore, StoredApiKey } from '@kairos/access';
import type { ApiKeyRepository } from '@kairos/persistence';

/** The access lib's key store over the database repository. */
export class RuntimeApiKeyStore implements ApiKeyStore {
  constructor(private readonly keys: ApiKeyRepository) {}

  findByHash(hash: string): Promise<StoredApiKey | null> {
    return this.keys.findByHash(hash) as Promise<StoredApiKey | null>;
  }

  save(key: StoredApiKey): Promise<void> {
    return this.keys.save(key);
  }

  revoke(id: string, atMs: number): Promise<void> {
    return this.keys.revoke(id, atMs);
  }

  list(): Promise<StoredApiKey[]> {
    return this.keys.list() as Promise<StoredApiKey[]>;
  }
}
