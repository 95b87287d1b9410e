import type { DataSource } from 'typeorm';
import { AuditVerifier, type AuditRecordStore } from '@kairos/audit';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { auditRecordRepository } from '../audit-record.repository';
import { quotedTable } from '../audit-record-sql';
import { AuditTableAttacker } from '../test-support/audit-tamper-kit';
import { auditKit, smallDecision } from '../test-support/audit-test-kit';
import { ChainVerificationPool } from './chain-verification-pool';
import { chainReadSourceOf } from './chain-verification-pools';

const PARTITIONS = 3;

/**
 * The verification threads must find exactly what the check on the event loop finds (the A2 suite runs on them: the
 * stores of a database file and of PostgreSQL have them), and a thread that cannot read must make verification fail,
 * never pass.
 */
describe.each(STORAGE_DIALECTS)('audit chain verification threads on %s', (dialect) => {
  let kit: ReturnType<typeof auditKit> | undefined;
  // Before the database's own teardown, so that closing the journal can still sign the unsigned tail.
  afterAll(() => kit?.dispose());
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let store: AuditRecordStore;
  /** The same store without its threads: chains read page by page on this event loop. */
  let inProcess: (pageSize?: number) => AuditVerifier;

  beforeAll(async () => {
    dataSource = database.dataSource();
    store = auditRecordRepository(dataSource);
    const opened = auditKit(store, PARTITIONS);
    kit = opened;
    await Promise.all(Array.from({ length: 90 }, (_, n) => opened.journal.append(smallDecision(n, n % 10 === 9 ? null : `c-${n % 7}`))));
    await opened.journal.checkpointNow();
    await Promise.all(Array.from({ length: 6 }, (_, n) => opened.journal.append(smallDecision(90 + n))));
    const withoutThreads: AuditRecordStore = Object.assign(Object.create(store) as AuditRecordStore, { chainVerifier: undefined });
    inProcess = (pageSize) => new AuditVerifier({ store: withoutThreads, trustedPublicKey: opened.key.publicKey, checkpoints: opened.file, pageSize });
  });

  it('checks a small log on the event loop without starting threads; once started, on the threads', async () => {
    expect(store.chainVerifier?.ready()).toBe(false);
    await expect(kit!.verifier().verify()).resolves.toEqual(expect.objectContaining({ ok: true, recordsVerified: 96 }));
    expect(store.chainVerifier!.ready()).toBe(false);
    await store.chainVerifier!.prepare();
    expect(store.chainVerifier!.ready()).toBe(true);
  });

  it('checks the chains on threads of their own, with the same result as on the event loop', async () => {
    expect(store.chainVerifier?.lanes).toBeGreaterThanOrEqual(1);
    const expected = { ok: true, recordsVerified: 96, chains: 4, checkpointsVerified: 1, recordsAfterLastCheckpoint: 6 };
    await expect(inProcess().verify()).resolves.toEqual(expected);
    await expect(kit!.verifier().verify()).resolves.toEqual(expected);
    await expect(kit!.verifier(5).verify()).resolves.toEqual(expected);
  });

  it('keeps its threads for the next verifications, also when several run at once', async () => {
    const results = await Promise.all([kit!.verifier().verify(), kit!.verifier(3).verify(), kit!.verifier().verify()]);
    expect(results.map((result) => result.recordsVerified)).toEqual([96, 96, 96]);
    expect(results.every((result) => result.ok)).toBe(true);
  });

  it('names the same first broken record as the check on the event loop', async () => {
    const attacker = new AuditTableAttacker(dataSource);
    await attacker.snapshot();
    await attacker.disableGuards();
    try {
      const rows = await attacker.chainRows(1);
      await attacker.setColumn(rows[4].id, 'subject', 'c-forged');
      await attacker.deleteRows(2, 'sequence = ?', [3]);
      const onThreads = await kit!.verifier(2).verify();
      expect(onThreads).toEqual(expect.objectContaining({ ok: false, firstBroken: { chain: 1, sequence: 5, reason: 'column_mismatch', column: 'subject' } }));
      await expect(inProcess(2).verify()).resolves.toEqual(onThreads);
    } finally {
      await attacker.restore();
    }
    await expect(kit!.verifier().verify()).resolves.toEqual(expect.objectContaining({ ok: true }));
  });

  it('rejects a chain it could not read instead of passing it', async () => {
    const source = chainReadSourceOf(dataSource);
    expect(source?.dialect).toBe(dialect);
    const pool = new ChainVerificationPool({ source: source!, recordsTable: quotedTable('no_such_audit_table'), pageSize: 10 }, 1);
    try {
      await pool.prepare();
      await expect(pool.verifyChain(0, undefined)).rejects.toThrow(/audit chain verification failed/);
      // The thread stays and opens a fresh connection for the next chain: the pool answers again instead of hanging.
      await expect(pool.verifyChain(1, undefined)).rejects.toThrow(/audit chain verification failed/);
    } finally {
      await pool.close();
    }
    await expect(pool.verifyChain(0, undefined)).rejects.toThrow(/closed/);
  });
});
