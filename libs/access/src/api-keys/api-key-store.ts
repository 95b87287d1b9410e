import type { Channel, Role } from '../principal/access-vocabulary';

/** An API key at rest: only its HMAC (`keyHash`) is stored, never the key. `label` is for humans and holds no PII. */
export interface StoredApiKey {
  readonly id: string;
  readonly principalId: string;
  readonly role: Role;
  readonly channel?: Channel;
  readonly keyHash: string;
  readonly label: string;
  readonly createdAtMs: number;
  readonly revokedAtMs?: number;
}

/** Port implemented by persistence (TypeORM) and by {@link InMemoryApiKeyStore} for tests and the embedded default. */
export interface ApiKeyStore {
  findByHash(keyHash: string): Promise<StoredApiKey | null>;
  save(key: StoredApiKey): Promise<void>;
  revoke(id: string, atMs: number): Promise<void>;
  list(): Promise<StoredApiKey[]>;
}
