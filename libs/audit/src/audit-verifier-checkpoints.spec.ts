import { generateKeyPairSync, sign } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainHead } from './audit-chain';
import { issueCheckpoint, type AuditCheckpoint } from './audit-checkpoint';
import { AuditCheckpointFile } from './audit-checkpoint-file';
import { AuditCheckpointer } from './audit-checkpointer';
import { AuditJournal } from './audit-journal';
import { auditKeyId, loadAuditSigningKey, type AuditSigningKey } from './audit-signing-key';
import { AuditVerifier, type AuditVerificationResult } from './audit-verifier';
import { canonicalJson } from './canonical-json';
import { merkleRootOfHeads } from './merkle-tree';
import { decisionDraft } from './test-support/audit-draft-factory';
import { InMemoryAuditRecordStore } from './test-support/in-memory-audit-record-store';
import { TestPersonalDataCipher } from './test-support/test-personal-data-cipher';

/** A7: the verifier fed crafted, inconsistent checkpoints must reject every one of them. */
describe('A7 verifier self-test: crafted checkpoints', () => {
  let dir: string;
  let key: AuditSigningKey;
  let store: InMemoryAuditRecordStore;
  let heads: ChainHead[];
  let genuine: AuditCheckpoint[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kairos-a7-'));
    key = loadAuditSigningKey(join(dir, 'signing.pem'), { createIfMissing: true });
    store = new InMemoryAuditRecordStore();
    const file = new AuditCheckpointFile(join(dir, 'genuine'));
    const journal = new AuditJournal({ store, cipher: new TestPersonalDataCipher(), partitionCount: 2, checkpointer: new AuditCheckpointer({ store, key, file }), checkpointEveryMs: 0 });
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 10 }, (_, n) => journal.append(decisionDraft(round * 10 + n))));
      await journal.checkpointNow();
    }
    await journal.close();
    heads = await store.heads();
    genuine = store.checkpointRows.map((row) => JSON.parse(row.line) as AuditCheckpoint);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  let fileNumber = 0;
  async function verifyWith(lines: readonly (AuditCheckpoint | string)[], options: { trailing?: string } = {}): Promise<AuditVerificationResult> {
    const folder = join(dir, `crafted-${fileNumber++}`);
    const file = new AuditCheckpointFile(folder);
    for (const line of lines) file.append(typeof line === 'string' ? line : canonicalJson(line));
    if (options.trailing !== undefined) appendFileSync(file.path, options.trailing);
    return new AuditVerifier({ store, trustedPublicKey: key.publicKey, checkpoints: file, pageSize: 7 }).verify();
  }
  /** Signs any statement with the trusted key: the checks after the signature must hold on their own. */
  function signedAs(statement: Omit<AuditCheckpoint, 'signature'>, signingKey = key): AuditCheckpoint {
    return { ...statement, signature: sign(null, Buffer.from(canonicalJson(statement)), signingKey.privateKey).toString('base64') };
  }
  const reissue = (base: AuditCheckpoint, changes: Partial<Omit<AuditCheckpoint, 'signature' | 'root'>>) => {
    const { signature: _signature, ...statement } = { ...base, ...changes };
    return signedAs({ ...statement, root: merkleRootOfHeads(statement.heads) });
  };
  const rejectedFor = (reason: string, line: number) => ({ ok: false, checkpointProblem: { line, reason } });

  it('accepts the genuine file (the control case)', async () => {
    expect(genuine).toHaveLength(3);
    await expect(verifyWith(genuine)).resolves.toEqual({ ok: true, recordsVerified: 30, chains: 2, checkpointsVerified: 3, recordsAfterLastCheckpoint: 0 });
  });

  it('rejects a changed signature and a statement changed after signing', async () => {
    const flipped = { ...genuine[0], signature: (genuine[0].signature[0] === 'A' ? 'B' : 'A') + genuine[0].signature.slice(1) };
    await expect(verifyWith([flipped])).resolves.toMatchObject(rejectedFor('bad_signature', 1));
    const moved = { ...genuine[1], issuedAtMs: genuine[1].issuedAtMs + 1 };
    await expect(verifyWith([genuine[0], moved])).resolves.toMatchObject(rejectedFor('bad_signature', 2));
  });

  it('rejects checkpoints from another key, with its own key id or with the trusted one', async () => {
    const otherPair = generateKeyPairSync('ed25519');
    const other: AuditSigningKey = { ...otherPair, keyId: auditKeyId(otherPair.publicKey) };
    const ownId = issueCheckpoint({ number: 1, issuedAtMs: 1, heads, key: other });
    await expect(verifyWith([ownId])).resolves.toMatchObject(rejectedFor('unknown_key', 1));
    const { signature: _s, ...statement } = genuine[0];
    await expect(verifyWith([signedAs(statement, other)])).resolves.toMatchObject(rejectedFor('bad_signature', 1));
  });

  it('rejects a root that does not match the listed heads, even when signed', async () => {
    const { signature: _s, ...statement } = genuine[0];
    await expect(verifyWith([signedAs({ ...statement, root: 'f'.repeat(64) })])).resolves.toMatchObject(rejectedFor('root_mismatch', 1));
  });

  it('rejects reordered, duplicated and skipped checkpoints', async () => {
    await expect(verifyWith([genuine[1], genuine[0]])).resolves.toMatchObject(rejectedFor('out_of_order', 1));
    await expect(verifyWith([genuine[0], genuine[0]])).resolves.toMatchObject(rejectedFor('out_of_order', 2));
    await expect(verifyWith([genuine[0], genuine[2]])).resolves.toMatchObject(rejectedFor('out_of_order', 2));
    await expect(verifyWith([genuine[0], genuine[1], genuine[1]])).resolves.toMatchObject(rejectedFor('out_of_order', 3));
  });

  it('rejects heads that go backwards, disappear or fork, and time that runs backwards', async () => {
    const back = reissue(genuine[1], { heads: genuine[1].heads.map((h, i) => (i === 0 ? { ...h, sequence: genuine[0].heads[0].sequence - 1 } : h)) });
    await expect(verifyWith([genuine[0], back])).resolves.toMatchObject(rejectedFor('head_went_backwards', 2));
    const gone = reissue(genuine[1], { heads: genuine[1].heads.slice(1) });
    await expect(verifyWith([genuine[0], gone])).resolves.toMatchObject(rejectedFor('head_went_backwards', 2));
    const forked = reissue(genuine[1], { heads: genuine[0].heads.map((h, i) => (i === 0 ? { ...h, hash: 'e'.repeat(64) } : h)) });
    await expect(verifyWith([genuine[0], forked])).resolves.toMatchObject(rejectedFor('head_forked', 2));
    const earlier = reissue(genuine[1], { issuedAtMs: genuine[0].issuedAtMs - 1 });
    await expect(verifyWith([genuine[0], earlier])).resolves.toMatchObject(rejectedFor('time_went_backwards', 2));
    const unordered = reissue(genuine[0], { heads: [...genuine[0].heads].reverse() });
    await expect(verifyWith([unordered])).resolves.toMatchObject(rejectedFor('heads_not_in_chain_order', 1));
  });

  it('rejects validly signed heads the database does not have, or has with another hash', async () => {
    const beyond = reissue(genuine[2], { number: 1, heads: heads.map((h, i) => (i === 1 ? { ...h, sequence: h.sequence + 5 } : h)) });
    await expect(verifyWith([beyond])).resolves.toMatchObject({ ok: false, firstBroken: { chain: heads[1].chain, sequence: heads[1].sequence + 1, reason: 'truncated' } });
    const noSuchChain = reissue(genuine[2], { number: 1, heads: [...heads, { chain: 9, sequence: 1, hash: 'a'.repeat(64) }] });
    await expect(verifyWith([noSuchChain])).resolves.toMatchObject({ ok: false, firstBroken: { chain: 9, sequence: 1, reason: 'truncated' } });
    const otherHash = reissue(genuine[2], { number: 1, heads: heads.map((h, i) => (i === 0 ? { ...h, hash: 'c'.repeat(64) } : h)) });
    await expect(verifyWith([otherHash])).resolves.toMatchObject({ ok: false, firstBroken: { chain: heads[0].chain, sequence: 1, reason: 'checkpoint_mismatch' } });
    // With an earlier checkpoint still matching, the first unproven sequence is the one after it.
    const laterMismatch = reissue(genuine[2], { heads: genuine[2].heads.map((h, i) => (i === 0 ? { ...h, hash: 'c'.repeat(64) } : h)) });
    await expect(verifyWith([genuine[0], genuine[1], laterMismatch])).resolves.toMatchObject({
      ok: false,
      firstBroken: { chain: heads[0].chain, sequence: genuine[1].heads[0].sequence + 1, reason: 'checkpoint_mismatch' },
    });
  });

  it('rejects malformed lines of every kind', async () => {
    const text = canonicalJson(genuine[0]);
    const malformed = [
      'not json',
      '',
      '[]',
      'null',
      text.replace('"version":1', '"version":2'),
      text.replace(/}$/, ',"extra":1}'),
      text.replace(/"root":"[0-9a-f]+"/, '"root":"ABC"'),
      text.replace(/"sequence":\d+/, '"sequence":-1'),
      text.replace(/"signature":"[^"]+"/, '"signature":"not-base64!"'),
      text.replace(/"keyId":"[0-9a-f]+"/, '"keyId":1'),
      JSON.stringify({ ...genuine[0], heads: 'all' }),
    ];
    for (const line of malformed) await expect(verifyWith([line])).resolves.toMatchObject(rejectedFor('malformed_line', 1));
    await expect(verifyWith([genuine[0], 'not json', genuine[1]])).resolves.toMatchObject(rejectedFor('malformed_line', 2));
  });

  it('ignores a final fragment still being written, and trusts the file over the database copy', async () => {
    await expect(verifyWith(genuine, { trailing: '{"version":1,"num' })).resolves.toMatchObject({ ok: true, checkpointsVerified: 3 });
    store.checkpointRows.splice(0, store.checkpointRows.length);
    await expect(verifyWith(genuine)).resolves.toMatchObject({ ok: true, checkpointsVerified: 3 });
    // An empty or missing file proves nothing, but is not a break of the chains either.
    const empty = new AuditCheckpointFile(join(dir, 'never-written'));
    await expect(new AuditVerifier({ store, trustedPublicKey: key.publicKey, checkpoints: empty }).verify()).resolves.toMatchObject({ ok: true, checkpointsVerified: 0, recordsAfterLastCheckpoint: 30 });
  });
});
