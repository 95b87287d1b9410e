import { DataSource, EntityManager, In } from 'typeorm';
import type { CustomerKeyStore, ErasureTombstone, StoredDataKey } from '@kairos/privacy';
import { dialectOf } from '../data-source';
import type { Dialect } from '../dialect';
import type { CustomerKeyRow, ErasureTombstoneRow } from './privacy-tables.entity';
import { erasedPagesLeaveNoTrace, shredFreedPages, sqliteConnection, tableOf } from './key-shredding.repository';

/**
 * The customer_keys and erasure_tombstones tables behind CustomerKeyring. Creating a key and destroying one are
 * serialized per subject — by a transaction-scoped advisory lock on PostgreSQL, by single statements and a
 * synchronous transaction on SQLite — so a key can never be created for a customer whose tombstone is written.
 */
export class CustomerKeyRepository implements CustomerKeyStore {
  private readonly dialect: Dialect;

  constructor(private readonly dataSource: DataSource) {
    this.dialect = dialectOf(dataSource);
  }

  async findKeys(subjects: readonly string[]): Promise<StoredDataKey[]> {
    const found: StoredDataKey[] = [];
    const rows = this.dataSource.getRepository<CustomerKeyRow>('CustomerKey');
    // Chunked: both engines cap the number of bound parameters.
    for (let i = 0; i < subjects.length; i += 500) {
      for (const row of await rows.find({ where: { subject: In(subjects.slice(i, i + 500)) } })) found.push(toStoredKey(row));
    }
    return found;
  }

  async createKeys(keys: readonly StoredDataKey[]): Promise<StoredDataKey[]> {
    if (keys.length === 0) return [];
    const subjects = keys.map((key) => key.subject);
    if (this.dialect === 'sqlite') {
      // One statement per chunk checks the tombstones and inserts: SQLite runs nothing in between. No TypeORM
      // transaction: two of them cannot overlap on SQLite's single shared connection.
      for (let i = 0; i < keys.length; i += 200) {
        const chunk = keys.slice(i, i + 200);
        await this.dataSource.query(
          `INSERT INTO ${tableOf(this.dataSource, 'CustomerKey')} (subject, wrapped_key, kek_id, created_at_ms)
           SELECT v.column1, v.column2, v.column3, v.column4 FROM (VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}) v
           WHERE NOT EXISTS (SELECT 1 FROM ${tableOf(this.dataSource, 'ErasureTombstone')} t WHERE t.customer_id = v.column1)
           ON CONFLICT (subject) DO NOTHING`,
          chunk.flatMap((key) => [key.subject, Buffer.from(key.wrappedKey), key.kekId, key.createdAtMs]),
        );
      }
      return this.findKeys(subjects);
    }
    return this.dataSource.transaction(async (manager) => {
      await lockSubjects(manager, subjects);
      await manager.query(
        `INSERT INTO ${tableOf(manager, 'CustomerKey')} (subject, wrapped_key, kek_id, created_at_ms)
         SELECT k.subject, k.wrapped_key, k.kek_id, k.created_at_ms
         FROM unnest($1::varchar[], $2::bytea[], $3::varchar[], $4::bigint[]) AS k(subject, wrapped_key, kek_id, created_at_ms)
         WHERE NOT EXISTS (SELECT 1 FROM ${tableOf(manager, 'ErasureTombstone')} t WHERE t.customer_id = k.subject)
         ON CONFLICT (subject) DO NOTHING`,
        [subjects, keys.map((key) => Buffer.from(key.wrappedKey)), keys.map((key) => key.kekId), keys.map((key) => key.createdAtMs)],
      );
      const rows = await manager.find<CustomerKeyRow>('CustomerKey', { where: { subject: In(subjects) } });
      return rows.map(toStoredKey);
    });
  }

  async destroyKey(tombstone: ErasureTombstone): Promise<ErasureTombstone> {
    await shredFreedPages(this.dataSource);
    if (this.dialect === 'sqlite') {
      // better-sqlite3's own transaction runs synchronously: atomic, and nothing can interleave with it.
      const db = sqliteConnection(this.dataSource);
      const keys = tableOf(this.dataSource, 'CustomerKey');
      const tombstones = tableOf(this.dataSource, 'ErasureTombstone');
      db.transaction(() => {
        db.prepare(`INSERT INTO ${tombstones} (customer_id, request_id, erased_at_ms) VALUES (?, ?, ?) ON CONFLICT (customer_id) DO NOTHING`).run(
          tombstone.customerId,
          tombstone.requestId,
          tombstone.erasedAtMs,
        );
        db.prepare(`DELETE FROM ${keys} WHERE subject = ?`).run(tombstone.customerId);
      })();
    } else {
      await this.dataSource.transaction(async (manager) => {
        await lockSubjects(manager, [tombstone.customerId]);
        await manager.createQueryBuilder().insert().into('ErasureTombstone').values({ ...tombstone, completedAtMs: null, receipt: null }).orIgnore().execute();
        await manager.delete('CustomerKey', { subject: tombstone.customerId });
      });
    }
    await erasedPagesLeaveNoTrace(this.dataSource);
    const row = await this.dataSource.manager.findOneOrFail<ErasureTombstoneRow>('ErasureTombstone', { where: { customerId: tombstone.customerId } });
    return { customerId: row.customerId, requestId: row.requestId, erasedAtMs: row.erasedAtMs };
  }

  async discardKeys(subjects: readonly string[]): Promise<void> {
    if (subjects.length === 0) return;
    await shredFreedPages(this.dataSource);
    for (let i = 0; i < subjects.length; i += 500) {
      await this.dataSource.getRepository<CustomerKeyRow>('CustomerKey').delete({ subject: In(subjects.slice(i, i + 500)) });
    }
    await erasedPagesLeaveNoTrace(this.dataSource);
  }

}

/**
 * Serializes key creation and destruction per subject across PostgreSQL connections, until the transaction ends.
 * Locks are taken in hash order, so two transactions locking overlapping sets cannot deadlock.
 */
async function lockSubjects(manager: EntityManager, subjects: readonly string[]): Promise<void> {
  await manager.query(
    `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext('kairos.customer-key:' || s) AS h FROM unnest($1::varchar[]) s ORDER BY h) ordered`,
    [subjects],
  );
}

function toStoredKey(row: CustomerKeyRow): StoredDataKey {
  return { subject: row.subject, wrappedKey: new Uint8Array(row.wrappedKey), kekId: row.kekId, createdAtMs: row.createdAtMs };
}
