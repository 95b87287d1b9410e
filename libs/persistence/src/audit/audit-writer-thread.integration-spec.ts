import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { chainRecord, encodeAuditContent, GENESIS_HASH, type AuditRecordStore, type ChainHead, type StoredAuditRecord } from '@kairos/audit';
import { freshStorageTarget, STORAGE_DIALECTS } from '@kairos/testing';
import { openDatabase } from '../data-source';
import { auditRecordRepository } from './audit-record.repository';
import { ThreadedSqliteAuditRecordRepository } from './threaded-sqlite-audit-record.repository';
import { smallDecision } from './test-support/audit-test-kit';

/** One record on `chain`, placed after whatever head the store hands over. */
function oneRecord(chain: number, n: number) {
  return (heads: ReadonlyMap<number, ChainHead>) => {
    const head = heads.get(chain) ?? { sequence: 0, hash: GENESIS_HASH };
    const { personalData: _none, ...draft } = smallDecision(n);
    return [chainRecord(encodeAuditContent({ ...draft, occurredAtMs: draft.occurredAtMs! }), { id: `r-${chain}-${n}`, chain, sequence: head.sequence + 1, prevHash: head.hash, recordedAtMs: 1 })];
  };
}

async function chainRows(store: AuditRecordStore, chain: number): Promise<StoredAuditRecord[]> {
  return (await store.readChain(chain, 1, 10_000)).filter((row) => row.chain === chain);
}

function expectLinked(rows: readonly StoredAuditRecord[]): void {
  expect(rows.map((r) => r.sequence)).toEqual(rows.map((_, i) => i + 1));
  rows.forEach((row, i) => expect(row.prevHash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1].hash));
}

/** Optimistic placement: a batch placed on a cached head that another writer (process) moved is placed again. */
describe.each(STORAGE_DIALECTS)('audit appends after another writer on %s', (dialect) => {
  const fresh = freshStorageTarget(dialect);
  let mine: DataSource;
  let theirs: DataSource;

  beforeAll(async () => {
    mine = await openDatabase(fresh.target);
    theirs = await openDatabase(fresh.target);
  });
  afterAll(async () => {
    await theirs.destroy();
    if (fresh.target.dialect === 'postgres') await mine.query(`DROP SCHEMA "${fresh.target.schema}" CASCADE`);
    await mine.destroy();
    fresh.dispose();
  });

  it('places a batch again after another writer moved the chain', async () => {
    const store = auditRecordRepository(mine);
    const [first] = await store.appendBatch([5], oneRecord(5, 1));
    // Another connection (on SQLite with a writer thread of its own), as another process: this store's head is stale.
    const [second] = await auditRecordRepository(theirs).appendBatch([5], oneRecord(5, 2));
    expect(second).toEqual(expect.objectContaining({ sequence: first.sequence + 1, prevHash: first.hash }));
    const [third] = await store.appendBatch([5], oneRecord(5, 3));
    expect(third).toEqual(expect.objectContaining({ sequence: second.sequence + 1, prevHash: second.hash }));
    expectLinked(await chainRows(store, 5));
  });
});

/** The SQLite audit writer thread: group commit, and a thread that dies. */
describe('SQLite audit writer thread', () => {
  const fresh = freshStorageTarget('sqlite');
  const dbFile = fresh.target.dialect === 'sqlite' ? join(fresh.target.dataDir, 'kairos.db') : '';
  let dataSource: DataSource;
  let store: ThreadedSqliteAuditRecordRepository;
  let n = 0;
  const next = (chain: number) => oneRecord(chain, n++);

  beforeAll(async () => {
    dataSource = await openDatabase(fresh.target);
    store = auditRecordRepository(dataSource) as ThreadedSqliteAuditRecordRepository;
  });
  afterAll(async () => {
    await dataSource.destroy();
    fresh.dispose();
  });

  /** Holds the database's write lock from a connection of its own, as a writer in another process would. */
  const holdWriteLock = () => {
    const db = new Database(dbFile);
    db.prepare('BEGIN IMMEDIATE').run();
    return () => {
      db.prepare('COMMIT').run();
      db.close();
    };
  };


  it('is the store of a SQLite file', () => {
    expect(store).toBeInstanceOf(ThreadedSqliteAuditRecordRepository);
  });

  it('commits appends that arrive while a transaction waits in one transaction', async () => {
    await store.appendBatch([0], next(0)); // starts the thread
    const before = await store.committedTransactions();
    const release = holdWriteLock();
    // The first append waits for the lock inside its transaction; the 23 after it queue up behind it.
    const appends = Array.from({ length: 24 }, (_, i) => store.appendBatch([i % 4], next(i % 4)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await Promise.all(appends);
    expect((await store.committedTransactions()) - before).toBeLessThanOrEqual(2);
    for (const chain of [0, 1, 2, 3]) expectLinked(await chainRows(store, chain));
    expect((await chainRows(store, 0)).length).toBe(7);
  });

  it('rejects pending appends when the thread dies, and writes again with a new thread', async () => {
    await store.appendBatch([6], next(6));
    const checkpoint = store.appendCheckpoint(() => {
      // The thread holds the write lock waiting for this row: it dies right there, before anything commits.
      void store.crashWriterForTest();
      return { number: 1, issuedAtMs: 1, keyId: 'k', root: 'r', line: '{}' };
    });
    const append = store.appendBatch([6], next(6));
    await expect(checkpoint).rejects.toThrow(/exited/);
    await expect(append).rejects.toThrow(/exited/);
    await expect(store.latestCheckpoint()).resolves.toBeNull();
    expect((await chainRows(store, 6)).length).toBe(1);

    const [written] = await store.appendBatch([6], next(6));
    expect(written.sequence).toBe(2);
    expectLinked(await chainRows(store, 6));
  });
});
