import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Dialect } from './dialect';
import { kairosEntities } from './entities/kairos-entities';
import { postgresMigrations } from './migrations/postgres';
import { sqliteMigrations } from './migrations/sqlite';

export type StorageTarget =
  | { readonly dialect: 'sqlite'; readonly dataDir: string }
  | { readonly dialect: 'postgres'; readonly url: string; readonly schema: string };

/** Opens the application database and brings it to the latest schema. `synchronize` is never used. */
export async function openDatabase(target: StorageTarget): Promise<DataSource> {
  const dataSource = createDataSource(target);
  if (target.dialect === 'postgres' && target.schema !== 'public') {
    const bootstrap = new DataSource({ type: 'postgres', url: target.url });
    await bootstrap.initialize();
    try {
      await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
    } finally {
      await bootstrap.destroy();
    }
  }
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  if (target.dialect === 'sqlite') serializeTransactions(dataSource);
  return dataSource;
}

/**
 * TypeORM's better-sqlite3 driver runs every transaction on one shared connection: two async transactions that
 * overlap fail with "cannot start a transaction within a transaction" (or worse, nest). Repositories of different
 * areas open transactions concurrently (consent ledger, snapshots, drafts), so on SQLite they take turns.
 */
function serializeTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  const inTurn = (...args: unknown[]): Promise<unknown> => {
    const run = tail.then(() => transaction(...args));
    tail = run.catch(() => undefined);
    return run;
  };
  manager.transaction = inTurn as typeof manager.transaction;
}

export function createDataSource(target: StorageTarget): DataSource {
  if (target.dialect === 'sqlite') {
    mkdirSync(target.dataDir, { recursive: true });
    return new DataSource({
      type: 'better-sqlite3',
      database: join(target.dataDir, 'kairos.db'),
      entities: kairosEntities('sqlite'),
      migrations: sqliteMigrations,
      synchronize: false,
      // WAL keeps readers (API) from blocking the writer; FULL sync makes a commit survive power loss.
      prepareDatabase: (db: { pragma(statement: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.pragma('busy_timeout = 5000');
      },
    });
  }
  return new DataSource({
    type: 'postgres',
    url: target.url,
    schema: target.schema,
    entities: kairosEntities('postgres'),
    migrations: postgresMigrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    extra: { max: 10, connectionTimeoutMillis: 10_000 },
  });
}

export function dialectOf(dataSource: DataSource): Dialect {
  return dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
}

/** Statements TypeORM would run to match the entities: empty when migrations and entities agree (no drift). */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  return log.upQueries.map((query) => query.query);
}
