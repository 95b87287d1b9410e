import { seededRandom } from '@kairos/random';
import type { DataSource } from 'typeorm';
import type { AuditChainBreak, AuditRecord, StoredAuditRecord } from '@kairos/audit';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { auditRecordRepository } from './audit-record.repository';
import { auditKit, smallDecision } from './test-support/audit-test-kit';
import { AuditTableAttacker, forgedRecord } from './test-support/audit-tamper-kit';

/**
 * A2: tampering with the real audit tables, by an attacker who first drops the append-only triggers and the unique
 * index. 100 trials of each kind per dialect, every one must be detected with the first bad sequence named; 100
 * untouched logs must verify clean. Trials share one database and restore the pristine rows in between.
 */
const TRIALS = 100;
const PARTITIONS = 2;

/** Deterministic trials: a failing one can be replayed from its number. */
const random = seededRandom;
const pick = (rand: () => number, from: number, to: number) => from + Math.floor(rand() * (to - from + 1));

/** The breaks the verifier may name for a trial: each exactly one (sequence, reason). */
type Expected = readonly { readonly sequence: number; readonly reason: string }[];
type Tamper = (attacker: AuditTableAttacker, rows: StoredAuditRecord[], rand: () => number, trial: number, signed: SignedPositions) => Promise<Expected>;

/** Which (chain, sequence) the signed checkpoints in the external file vouch for. */
class SignedPositions {
  private readonly byChain = new Map<number, number[]>();

  static async read(file: { lines(): AsyncIterable<{ text: string }> }): Promise<SignedPositions> {
    const positions = new SignedPositions();
    for await (const { text } of file.lines()) {
      for (const head of (JSON.parse(text) as { heads: { chain: number; sequence: number }[] }).heads) {
        positions.byChain.set(head.chain, [...(positions.byChain.get(head.chain) ?? []), head.sequence]);
      }
    }
    return positions;
  }

  vouchesFor(chain: number, sequence: number): boolean {
    return (this.byChain.get(chain) ?? []).includes(sequence);
  }

  provenBefore(chain: number, sequence: number): number {
    return Math.max(0, ...(this.byChain.get(chain) ?? []).filter((s) => s < sequence));
  }
}

const TAMPERS: Record<string, Tamper> = {
  'flip one byte of a hashed field': async (attacker, rows, rand) => {
    const row = rows[pick(rand, 0, rows.length - 1)];
    const target = pick(rand, 0, 9);
    if (target <= 3) {
      // In the body: any hashed field, one character changed.
      const at = pick(rand, 1, row.body.length - 2);
      const original = row.body[at];
      await attacker.setColumn(row.id, 'body', row.body.slice(0, at) + (original === 'a' ? 'b' : 'a') + row.body.slice(at + 1));
      return [{ sequence: row.sequence, reason: 'hash_mismatch' }];
    }
    // In a stored copy of a hashed field.
    const flip = (text: string) => (text[0] === 'a' ? 'b' : 'a') + text.slice(1);
    const columns: [Parameters<AuditTableAttacker['setColumn']>[1], unknown, string][] = [
      ['kind', row.kind === 'decision_served' ? 'action_suppressed' : 'decision_served', 'column_mismatch'],
      ['subject', row.subject === null ? 'c-x' : flip(row.subject), 'column_mismatch'],
      ['decision_id', flip(row.decisionId ?? 'd'), 'column_mismatch'],
      ['occurred_at_ms', row.occurredAtMs ^ 1, 'column_mismatch'],
      ['recorded_at_ms', row.recordedAtMs ^ 1, 'column_mismatch'],
      ['hash', flip(row.hash), 'hash_mismatch'],
    ];
    const [column, value, reason] = columns[target - 4];
    await attacker.setColumn(row.id, column, value);
    return [{ sequence: row.sequence, reason }];
  },
  'delete a middle row': async (attacker, rows, rand) => {
    const sequence = pick(rand, 2, rows.length - 1);
    await attacker.deleteRows(rows[0].chain, 'sequence = ?', [sequence]);
    return [{ sequence, reason: 'missing_record' }];
  },
  'swap two rows': async (attacker, rows, rand) => {
    const i = pick(rand, 1, rows.length - 1);
    const j = pick(rand, i + 1, rows.length);
    await attacker.setColumn(rows[i - 1].id, 'sequence', j);
    await attacker.setColumn(rows[j - 1].id, 'sequence', i);
    return [{ sequence: i, reason: 'broken_link' }];
  },
  'insert a forged row': async (attacker, rows, rand, trial, signed) => {
    const k = pick(rand, 2, rows.length);
    const chain = rows[0].chain;
    const placement = { id: `forged-${trial}`, chain, sequence: k, prevHash: rows[k - 2].hash };
    const forged = forgedRecord(rows[k - 1], placement, (record): AuditRecord => ({ ...record, output: { offerId: 'forged-offer' } }));
    // The forged row is self-consistent (correct link and hash). Where a signed checkpoint vouches for position k, its
    // hash differs there, and everything after the previous checkpoint of the chain is unproven.
    const atCheckpoint = signed.vouchesFor(chain, k) ? [{ sequence: signed.provenBefore(chain, k) + 1, reason: 'checkpoint_mismatch' }] : [];
    if (trial % 2 === 0) {
      // Beside the genuine row at k (the database returns the two in either order).
      await attacker.insert(forged);
      return [{ sequence: k, reason: 'duplicate_sequence' }, ...atCheckpoint];
    }
    // In place of it, the genuine rows moved one up: the first row that cannot be genuine is the displaced one.
    await attacker.shiftFrom(chain, k);
    await attacker.insert(forged);
    return atCheckpoint.length > 0 ? atCheckpoint : [{ sequence: k + 1, reason: 'broken_link' }];
  },
  'truncate the tail': async (attacker, rows, rand) => {
    const keep = pick(rand, 0, rows.length - 1);
    await attacker.deleteRows(rows[0].chain, 'sequence > ?', [keep]);
    return [{ sequence: keep + 1, reason: 'truncated' }];
  },
  'rewrite the whole chain with recomputed hashes': async (attacker, rows, rand) => {
    const changed = pick(rand, 0, rows.length - 1);
    const rewritten: StoredAuditRecord[] = [];
    for (const row of rows) {
      const prevHash = rewritten.length === 0 ? row.prevHash : rewritten[rewritten.length - 1].hash;
      const change = (record: AuditRecord): AuditRecord => (record.sequence === 1 || row.sequence - 1 === changed ? { ...record, reasons: ['rewritten'] } : record);
      rewritten.push(forgedRecord(row, { id: row.id, chain: row.chain, sequence: row.sequence, prevHash }, change));
    }
    await attacker.rewrite(rewritten);
    // Every hash from the first record on changed: no checkpoint proves any of it.
    return [{ sequence: 1, reason: 'checkpoint_mismatch' }];
  },
};

describe.each(STORAGE_DIALECTS)('A2 tamper suite on the real %s tables', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let kit: ReturnType<typeof auditKit>;
  let attacker: AuditTableAttacker;

  beforeAll(async () => {
    dataSource = database.dataSource();
    const store = auditRecordRepository(dataSource);
    // The log is small: started here, the verification threads (a database file, PostgreSQL) check every trial, as
    // they check a large log in production. Their ChainCheck is the one the event loop runs for a small log.
    await store.chainVerifier?.prepare();
    kit = auditKit(store, PARTITIONS);
    await Promise.all(Array.from({ length: 45 }, (_, n) => kit.journal.append(smallDecision(n, n % 6 === 5 ? null : `c-${n % 11}`))));
    await kit.journal.checkpointNow();
    attacker = new AuditTableAttacker(dataSource);
  });
  afterAll(() => kit.dispose());

  it(`reports no break on ${TRIALS} untouched logs`, async () => {
    const rand = random(7);
    const alarms: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      // Each trial is another log: it grew by a few records (and sometimes a checkpoint) since the last one.
      const added = pick(rand, 1, 2);
      await Promise.all(Array.from({ length: added }, (_, n) => kit.journal.append(smallDecision(1_000 + trial * 2 + n, rand() < 0.2 ? null : `c-${pick(rand, 0, 20)}`))));
      if (rand() < 0.2) await kit.journal.checkpointNow();
      const result = await kit.verifier(pick(rand, 2, 64)).verify();
      if (!result.ok) alarms.push(`trial ${trial}: ${JSON.stringify(result)}`);
    }
    expect(alarms).toEqual([]);
    await kit.journal.checkpointNow();
    await attacker.snapshot();
  });

  it.each(Object.keys(TAMPERS))(`detects every one of ${TRIALS} trials: %s`, async (name) => {
    const rand = random(name.length * 1_000 + (dialect === 'postgres' ? 1 : 0));
    const heads = await auditRecordRepository(dataSource).heads();
    const signed = await SignedPositions.read(kit.file);
    const missed: string[] = [];
    let detected = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const chain = heads[pick(rand, 0, heads.length - 1)].chain;
      await attacker.disableGuards();
      const rows = await attacker.chainRows(chain);
      const expected = await TAMPERS[name](attacker, rows, rand, trial, signed);
      // Page sizes vary so that tampered rows also sit on page boundaries.
      const result = await kit.verifier(pick(rand, 8, 48)).verify();
      const broken: AuditChainBreak | undefined = result.firstBroken;
      if (!result.ok && broken?.chain === chain && expected.some((e) => e.sequence === broken.sequence && e.reason === broken.reason)) detected++;
      else missed.push(`trial ${trial} on chain ${chain}: expected one of ${JSON.stringify(expected)}, got ${JSON.stringify(result)}`);
      await attacker.restore();
    }
    expect(missed).toEqual([]);
    expect(detected).toBe(TRIALS);
    // The restored log is the untouched one again.
    await expect(kit.verifier().verify()).resolves.toEqual(expect.objectContaining({ ok: true }));
  });
});
