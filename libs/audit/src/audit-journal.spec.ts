import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KairosError } from '@kairos/contracts';
import { chainFor, systemChain } from './audit-chain';
import { AuditCheckpointFile } from './audit-checkpoint-file';
import { AuditCheckpointer } from './audit-checkpointer';
import { GENESIS_HASH, sha256Hex } from './audit-hash';
import { AuditJournal } from './audit-journal';
import { auditRecordOf, chainRecord, encodeAuditContent } from './audit-record-body';
import { AuditChainConflictError } from './audit-record-store';
import { loadAuditSigningKey } from './audit-signing-key';
import { AuditVerifier } from './audit-verifier';
import { decisionDraft } from './test-support/audit-draft-factory';
import { InMemoryAuditRecordStore } from './test-support/in-memory-audit-record-store';
import { TestPersonalDataCipher } from './test-support/test-personal-data-cipher';

const PARTITIONS = 4;

describe('AuditJournal', () => {
  let store: InMemoryAuditRecordStore;
  let cipher: TestPersonalDataCipher;
  let journal: AuditJournal;
  let dir: string;

  beforeEach(() => {
    store = new InMemoryAuditRecordStore();
    cipher = new TestPersonalDataCipher();
    dir = mkdtempSync(join(tmpdir(), 'kairos-audit-journal-'));
  });
  afterEach(async () => {
    await journal?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (options: Partial<ConstructorParameters<typeof AuditJournal>[0]> = {}) =>
    (journal = new AuditJournal({ store, cipher, partitionCount: PARTITIONS, clock: () => 1_795_000_000_500, ...options }));

  it('commits concurrent appends in few transactions and resolves each with its place in its chain', async () => {
    open({ maxBatchSize: 100 });
    const receipts = await Promise.all(Array.from({ length: 250 }, (_, n) => journal.append(decisionDraft(n))));
    expect(store.appendCalls).toBeLessThanOrEqual(4);
    expect(store.rows).toHaveLength(250);
    for (const [n, receipt] of receipts.entries()) {
      const row = store.rows.find((r) => r.id === receipt.id)!;
      expect(receipt).toEqual({ id: row.id, chain: chainFor(`c-${n % 97}`, PARTITIONS), sequence: row.sequence, hash: sha256Hex(row.body) });
    }
    // Per chain: sequences 1..n in call order, each pointing at its predecessor.
    for (let chain = 0; chain < PARTITIONS; chain++) {
      const rows = store.rows.filter((r) => r.chain === chain);
      rows.forEach((row, i) => {
        expect(row.sequence).toBe(i + 1);
        expect(row.prevHash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1].hash);
      });
      const decisions = rows.map((row) => Number(row.decisionId!.slice(2)));
      expect(decisions).toEqual([...decisions].sort((a, b) => a - b));
    }
  });

  it("gathers at most the store's preferred batch size into one flush", async () => {
    Object.assign(store, { preferredMaxBatchSize: 40 });
    open();
    await Promise.all(Array.from({ length: 100 }, (_, n) => journal.append(decisionDraft(n))));
    expect(store.rows).toHaveLength(100);
    expect(store.appendCalls).toBe(3);
  });

  it('puts records about no customer on the system chain', async () => {
    open();
    const receipt = await journal.append({ kind: 'ruleset_deployed', actor: { type: 'principal', principalId: 'p-1', role: 'rule-modeler' }, reasons: ['four_eyes_approved'] });
    expect(receipt.chain).toBe(systemChain(PARTITIONS));
    expect(receipt.sequence).toBe(1);
  });

  it('refuses an invalid draft with field and rule, writing nothing', async () => {
    open();
    const bad = { ...decisionDraft(1), kind: 'made_up', inputs: [{ feature: 'x', value: { nested: true } }] } as never;
    const refusal = await journal.append(bad).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(KairosError);
    expect((refusal as KairosError).code).toBe('VALIDATION_FAILED');
    expect((refusal as KairosError).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['kind', 'inputs[0].value']));
    await expect(journal.append({ ...decisionDraft(2), subject: undefined, personalData: { name: 'x' } })).rejects.toThrow('invalid');
    const noJsonForm = await journal.append(decisionDraft(3, { output: { at: new Date(0), list: [1, Number.NaN] } as never })).catch((error: unknown) => error);
    expect(noJsonForm).toEqual(expect.objectContaining({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'output.at', rule: 'canonical_json' })] }));
    await expect(journal.append(decisionDraft(4, { personalData: { note: [undefined] } as never }))).rejects.toEqual(
      expect.objectContaining({ issues: [expect.objectContaining({ path: 'personalData.note[0]' })] }),
    );
    expect(store.rows).toHaveLength(0);
  });

  it('seals personal data before hashing: the body holds ciphertext only, and erasure leaves the hash valid', async () => {
    open();
    const receipt = await journal.append(decisionDraft(3, { personalData: { message: 'Hallo Erika Mustermann' } }));
    const row = store.rows[0];
    expect(row.body).not.toContain('Mustermann');
    const record = auditRecordOf(row);
    await expect(cipher.open('c-3', record.sealedPersonalData!)).resolves.toBe('{"message":"Hallo Erika Mustermann"}');
    cipher.erase('c-3');
    await expect(cipher.open('c-3', record.sealedPersonalData!)).resolves.toBeNull();
    expect(sha256Hex(row.body)).toBe(receipt.hash);
  });

  it('records a draft as it was when appended, even if its caller changes it while the personal data is sealed', async () => {
    open();
    const draft = decisionDraft(5, { personalData: { message: 'sealed later' } });
    const mutable = draft as { -readonly [key in keyof typeof draft]: (typeof draft)[key] };
    const appended = journal.append(draft);
    mutable.output = { actions: [], channel: 'changed' };
    mutable.reasons = ['changed'];
    await appended;
    const record = auditRecordOf(store.rows[0]);
    expect(record.output).toEqual(decisionDraft(5).output);
    expect(record.reasons).toEqual(decisionDraft(5).reasons);
  });

  it('re-reads the heads and re-hashes when another writer took the place first', async () => {
    open();
    await journal.append(decisionDraft(0));
    const chain = chainFor('c-0', PARTITIONS);
    let raced = false;
    store.beforeInsert = () => {
      if (raced) return;
      raced = true;
      // Another process appends to the same chain between our head read and our insert.
      const head = store.rows[store.rows.length - 1];
      store.rows.push(chainRecord(encodeAuditContent({ kind: 'trigger_fired', actor: { type: 'component', component: 'other', version: '1' }, subject: 'c-0', occurredAtMs: 1 }), {
        id: 'other-writer',
        chain,
        sequence: head.sequence + 1,
        prevHash: head.hash,
        recordedAtMs: 2,
      }));
    };
    const receipt = await journal.append(decisionDraft(97));
    expect(receipt.sequence).toBe(3);
    const rows = store.rows.filter((r) => r.chain === chain);
    expect(rows.map((r) => r.sequence)).toEqual([1, 2, 3]);
    expect(rows[2].prevHash).toBe(rows[1].hash);
  });

  it('rejects every append of a batch the store could not write, and never resolves it', async () => {
    open();
    store.failNext = new Error('connection lost');
    const results = await Promise.allSettled([journal.append(decisionDraft(1)), journal.append(decisionDraft(2))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(expect.objectContaining({ code: 'AUDIT_UNAVAILABLE' }));
    expect(store.rows).toHaveLength(0);
    await expect(journal.append(decisionDraft(3))).resolves.toEqual(expect.objectContaining({ sequence: 1 }));
  });

  it('gives up after the configured number of conflicts', async () => {
    open({ maxConflictRetries: 2 });
    let calls = 0;
    store.beforeInsert = () => {
      calls++;
      throw new AuditChainConflictError();
    };
    await expect(journal.append(decisionDraft(1))).rejects.toThrow('could not be written');
    expect(calls).toBe(3);
  });

  it('also signs a checkpoint after a quiet interval, and none while nothing was written', async () => {
    const key = loadAuditSigningKey(join(dir, 'audit-signing.pem'), { createIfMissing: true });
    open({ checkpointer: new AuditCheckpointer({ store, key, file: new AuditCheckpointFile(dir) }), checkpointEveryMs: 20 });
    await journal.append(decisionDraft(1));
    for (let waited = 0; store.checkpointRows.length === 0 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.checkpointRows).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.checkpointRows).toHaveLength(1);
  });

  it('signs a checkpoint every N records and on close, which the verifier accepts', async () => {
    const key = loadAuditSigningKey(join(dir, 'keys', 'audit-signing.pem'), { createIfMissing: true });
    const file = new AuditCheckpointFile(join(dir, 'checkpoints'));
    open({ checkpointer: new AuditCheckpointer({ store, key, file }), checkpointEveryRecords: 50, maxBatchSize: 25 });
    for (let round = 0; round < 4; round++) await Promise.all(Array.from({ length: 25 }, (_, n) => journal.append(decisionDraft(round * 25 + n))));
    await journal.append(decisionDraft(1_000));
    await journal.close();
    expect(store.checkpointRows.length).toBeGreaterThanOrEqual(2);
    const verifier = new AuditVerifier({ store, trustedPublicKey: key.publicKey, checkpoints: file });
    await expect(verifier.verify()).resolves.toEqual({ ok: true, recordsVerified: 101, chains: PARTITIONS, checkpointsVerified: store.checkpointRows.length, recordsAfterLastCheckpoint: 0 });
    await expect(journal.append(decisionDraft(1))).rejects.toThrow('closed');
  });
});
