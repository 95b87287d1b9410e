import type Database from 'better-sqlite3';
import { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from '../data-source';

/** `schema.table` of an entity, quoted (names come from our metadata, never from input). */
export function tableOf(manager: EntityManager | DataSource, entity: string): string {
  return manager
    .getRepository(entity)
    .metadata.tablePath.split('.')
    .map((part) => `"${part.replace(/"/g, '')}"`)
    .join('.');
}

/**
 * SQLite keeps deleted rows in free pages until they are reused. With secure_delete on, the pages freed by a
 * delete are overwritten with zeros, so a destroyed key cannot be carved out of kairos.db afterwards.
 */
export async function shredFreedPages(dataSource: DataSource): Promise<void> {
  if (dialectOf(dataSource) === 'sqlite') await dataSource.query('PRAGMA secure_delete = ON');
}

/**
 * The write-ahead log still holds the pages as they were before the delete. A truncating checkpoint moves the
 * zeroed pages into kairos.db and empties the WAL file. If a reader holds the WAL the checkpoint stops short; the
 * next checkpoint completes it (SQLite checkpoints on its own every 1,000 pages).
 */
export async function erasedPagesLeaveNoTrace(dataSource: DataSource): Promise<void> {
  if (dialectOf(dataSource) === 'sqlite') await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
}

/**
 * The better-sqlite3 connection under TypeORM. TypeORM shares one connection on SQLite and cannot run two of its
 * transactions at once; a synchronous better-sqlite3 transaction cannot overlap with anything.
 */
export function sqliteConnection(dataSource: DataSource): Database.Database {
  return (dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
}
