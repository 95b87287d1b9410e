import { ConfigurationError, KairosConfig } from '@kairos/config';
import { StorageTarget, openDatabase } from '@kairos/persistence';
import type { DataSource } from 'typeorm';

/** The application database the configuration asks for: PostgreSQL when DATABASE_URL is set, else SQLite. */
export async function openStorage(config: KairosConfig): Promise<DataSource> {
  const target: StorageTarget = config.databaseUrl
    ? { dialect: 'postgres', url: config.databaseUrl, schema: config.databaseSchema }
    : { dialect: 'sqlite', dataDir: config.dataDir };
  try {
    return await openDatabase(target);
  } catch (error) {
    const variable = target.dialect === 'postgres' ? 'DATABASE_URL' : 'KAIROS_DATA_DIR';
    throw new ConfigurationError(variable, `cannot open the database: ${(error as Error).message.split('\n')[0]}`);
  }
}
