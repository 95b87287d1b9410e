import type { DataSource } from 'typeorm';
import { AuditChainConflictError, auditRecordOf, chainFor, decodeAuditCursor, encodeAuditCursor, GENESIS_HASH, type AuditRecordStore, type StoredAuditRecord } from '@kairos/audit';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { auditRecordRepository } from './audit-record.repository';
import { auditKit, smallDecision } from './test-support/audit-test-kit';

const PARTITIONS = 3;

describe.each(STORAGE_DIALECTS)('audit records on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let store: AuditRecordStore;
  let kit: ReturnType<typeof auditKit>;
  const receipts: { id: string; chain: number; sequence: number }[] = [];

  beforeAll(async () => {
    dataSource = database.dataSource();
    store = auditRecordRepository(dataSource);
    kit = auditKit(store, PARTITIONS);
    receipts.push(...(await Promise.all(Array.from({ length: 120 }, (_, n) => kit.journal.append(smallDecision(n, n % 10 === 9 ? null : `c-${n % 7}`))))));
    await kit.journal.checkpointNow();
  });
  afterAll(() => kit.dispose());

  it('has migrations that match the entities (no drift)', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('stores contiguous, linked chains with the canonical body and its columns', async () => {
    const heads = await store.heads();
    expect(heads.map((h) => h.chain)).toEqual([0, 1, 2, 3]);
    expect(heads.reduce((sum, h) => sum + h.sequence, 0)).toBe(120);
    for (const head of heads) {
      const rows: StoredAuditRecord[] = [];
      for (let from = 1; ; ) {
        const page = await store.readChain(head.chain, from, 7);
        rows.push(...page.filter((row) => row.sequence >= from));
        if (page.length < 7) break;
        from = page[page.length - 1].sequence + 1;
      }
      expect(rows.map((r) => r.sequence)).toEqual(Array.from({ length: head.sequence }, (_, i) => i + 1));
      rows.forEach((row, i) => expect(row.prevHash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1].hash));
      expect(rows[rows.length - 1].hash).toBe(head.hash);
      expect(typeof rows[0].occurredAtMs).toBe('number');
    }
    const one = receipts[12];
    const stored = (await store.byId(one.id))!;
    expect(stored).toEqual(expect.objectContaining({ chain: one.chain, sequence: one.sequence, kind: 'decision_served', subject: 'c-5', decisionId: 'd-12', occurredAtMs: 1_795_000_012_000 }));
    expect(auditRecordOf(stored)).toEqual(expect.objectContaining({ id: one.id, subject: 'c-5', output: { offerId: 'offer-0', nested: { id: 'x-12', kind: 'trap' } } }));
    expect(chainFor('c-5', PARTITIONS)).toBe(one.chain);
    await expect(store.byId('no-such-id')).resolves.toBeNull();
  });

  it('queries by customer, kind, decision and time with cursor pagination', async () => {
    const collect = async (filter: Parameters<AuditRecordStore['query']>[0], pageSize: number) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await store.query(filter, cursor === undefined ? undefined : decodeAuditCursor(cursor)!, pageSize);
        ids.push(...page.map((row) => row.decisionId!));
        if (page.length < pageSize) return ids;
        cursor = encodeAuditCursor(page[page.length - 1]);
      }
    };
    const expected = (keep: (n: number) => boolean) => Array.from({ length: 120 }, (_, n) => n).filter(keep).map((n) => `d-${n}`);
    await expect(collect({ subject: 'c-3' }, 4)).resolves.toEqual(expected((n) => n % 10 !== 9 && n % 7 === 3));
    await expect(collect({ kind: 'action_suppressed' }, 5)).resolves.toEqual(expected((n) => n % 5 === 0));
    await expect(collect({ decisionId: 'd-42' }, 5)).resolves.toEqual(['d-42']);
    await expect(collect({ fromMs: 1_795_000_010_000, toMs: 1_795_000_020_000 }, 3)).resolves.toEqual(expected((n) => n >= 10 && n < 20));
    await expect(collect({}, 50)).resolves.toEqual(expected(() => true));
  });

  it('verifies, and keeps the signed checkpoint in the external file and in the table', async () => {
    await expect(kit.verifier(16).verify()).resolves.toEqual({ ok: true, recordsVerified: 120, chains: 4, checkpointsVerified: 1, recordsAfterLastCheckpoint: 0 });
    const copy = (await store.latestCheckpoint())!;
    expect(copy).toEqual(expect.objectContaining({ number: 1, keyId: kit.key.keyId }));
    expect(kit.file.lastLine()).toBe(copy.line);
  });

  it('refuses UPDATE, DELETE and TRUNCATE from the application connection', async () => {
    const target = receipts[0].id;
    const table = dialect === 'postgres' ? `"${database.schema()}".audit_records` : 'audit_records';
    const checkpoints = dialect === 'postgres' ? `"${database.schema()}".audit_checkpoints` : 'audit_checkpoints';
    const bind = dialect === 'postgres' ? '$1' : '?';
    await expect(dataSource.query(`UPDATE ${table} SET kind = 'consent_changed' WHERE id = ${bind}`, [target])).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`DELETE FROM ${table} WHERE id = ${bind}`, [target])).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`UPDATE ${checkpoints} SET root = 'x'`)).rejects.toThrow(/append-only/);
    await expect(dataSource.query(`DELETE FROM ${checkpoints}`)).rejects.toThrow(/append-only/);
    if (dialect === 'postgres') {
      await expect(dataSource.query(`TRUNCATE ${table}`)).rejects.toThrow(/append-only/);
      await expect(dataSource.query(`TRUNCATE ${checkpoints}`)).rejects.toThrow(/append-only/);
      const grants = await dataSource.query(
        `SELECT privilege_type FROM information_schema.role_table_grants WHERE table_schema = $1 AND table_name = 'audit_records' AND grantee = 'PUBLIC'`,
        [database.schema()],
      );
      expect(grants).toEqual([]);
    }
    await expect(store.byId(target)).resolves.toEqual(expect.objectContaining({ kind: 'action_suppressed' }));
    await expect(kit.verifier().verify()).resolves.toEqual(expect.objectContaining({ ok: true, recordsVerified: 120 }));
  });

  it('refuses a second record at a taken place, reported as a conflict to re-place', async () => {
    const [head] = await store.heads([receipts[0].chain]);
    const twin = (await store.readChain(head.chain, head.sequence, 1))[0];
    await expect(store.appendBatch([head.chain], () => [{ ...twin, id: 'writer-without-lock' }])).rejects.toBeInstanceOf(AuditChainConflictError);
    await expect(store.byId('writer-without-lock')).resolves.toBeNull();
  });
});
