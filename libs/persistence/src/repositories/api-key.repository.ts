import { DataSource, Repository } from 'typeorm';
import type { ApiKeyRow } from '../entities/kairos-tables.entity';

/** API keys at rest: only the keyed hash is stored, never the key. Shaped to the access lib's ApiKeyStore port. */
export interface StoredApiKeyRecord {
  id: string;
  principalId: string;
  role: string;
  channel?: string;
  keyHash: string;
  label: string;
  createdAtMs: number;
  revokedAtMs?: number;
}

export class ApiKeyRepository {
  private readonly rows: Repository<ApiKeyRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository<ApiKeyRow>('ApiKey');
  }

  async findByHash(keyHash: string): Promise<StoredApiKeyRecord | null> {
    const row = await this.rows.findOne({ where: { keyHash } });
    return row ? toRecord(row) : null;
  }

  async save(key: StoredApiKeyRecord): Promise<void> {
    await this.rows.upsert({ ...key, channel: key.channel ?? null, revokedAtMs: key.revokedAtMs ?? null }, ['id']);
  }

  async revoke(id: string, atMs: number): Promise<void> {
    await this.rows.update({ id }, { revokedAtMs: atMs });
  }

  async list(): Promise<StoredApiKeyRecord[]> {
    return (await this.rows.find({ order: { createdAtMs: 'ASC' } })).map(toRecord);
  }
}

function toRecord(row: ApiKeyRow): StoredApiKeyRecord {
  return {
    id: row.id,
    principalId: row.principalId,
    role: row.role,
    keyHash: row.keyHash,
    label: row.label,
    createdAtMs: row.createdAtMs,
    ...(row.channel ? { channel: row.channel } : {}),
    ...(row.revokedAtMs !== null ? { revokedAtMs: row.revokedAtMs } : {}),
  };
}
