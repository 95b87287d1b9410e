import type { DataSource } from 'typeorm';
import { openDatabase } from '@kairos/persistence';
import { freshStorageTarget } from './database-targets';

/**
 * A migrated database of its own for one suite: registers beforeAll/afterAll, dropping the PostgreSQL schema or the
 * SQLite directory afterwards. `schema` is the PostgreSQL schema (undefined on SQLite), for raw queries.
 */
export function useFreshDatabase(dialect: 'sqlite' | 'postgres'): { dataSource(): DataSource; schema(): string | undefined } {
  let dataSource: DataSource;
  let dispose: () => void;
  let schema: string | undefined;
  beforeAll(async () => {
    const fresh = freshStorageTarget(dialect);
    dispose = fresh.dispose;
    schema = fresh.target.dialect === 'postgres' ? fresh.target.schema : undefined;
    dataSource = await openDatabase(fresh.target);
  });
  afterAll(async () => {
    if (schema) await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
    dispose();
  });
  return { dataSource: () => dataSource, schema: () => schema };
}
