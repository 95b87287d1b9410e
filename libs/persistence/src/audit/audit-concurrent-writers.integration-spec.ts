import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { AuditCheckpointFile, AuditVerifier, loadAuditSigningKey } from '@kairos/audit';
import { STORAGE_DIALECTS, freshStorageTarget, type TestStorageTarget } from '@kairos/testing';
import { openDatabase } from '../data-source';
import { auditRecordRepository } from './audit-record.repository';

/**
 * A3: 8 writer processes × 2,000 records into the same chains, 10 of them killed with SIGKILL mid-stream and started
 * again. Afterwards: no fork (every prevHash used once per chain), no gap, every acknowledged record present, and the
 * verifier accepts the log and the checkpoints the writers signed concurrently.
 */
const WRITERS = 8;
const RECORDS = 2_000;
const KILLS = 10;
const PARTITIONS = 4;
const WRITER_SCRIPT = join(__dirname, 'test-support', 'audit-writer.process.ts');
const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

const rand = (below: number) => Math.floor(Math.random() * below);

interface Writer {
  readonly id: number;
  readonly acked: Set<number>;
  child?: ChildProcess;
  done: boolean;
  exited?: Promise<number | null>;
}

describe.each(STORAGE_DIALECTS)('A3 concurrent writers with kill -9 on %s', (dialect) => {
  let target: TestStorageTarget;
  let dataSource: DataSource;
  let directory: string;
  const writers: Writer[] = Array.from({ length: WRITERS }, (_, id) => ({ id, acked: new Set<number>(), done: false }));

  beforeAll(async () => {
    target = freshStorageTarget(dialect).target;
    dataSource = await openDatabase(target);
    directory = mkdtempSync(join(tmpdir(), 'kairos-a3-'));
    loadAuditSigningKey(join(directory, 'audit-signing.pem'), { createIfMissing: true });
  });
  afterAll(async () => {
    for (const writer of writers) writer.child?.kill('SIGKILL');
    if (target.dialect === 'postgres') await dataSource.query(`DROP SCHEMA "${target.schema}" CASCADE`);
    await dataSource.destroy();
    rmSync(directory, { recursive: true, force: true });
    if (target.dialect === 'sqlite') rmSync(target.dataDir, { recursive: true, force: true });
  });

  function start(writer: Writer): void {
    // Resume at the first record not acknowledged; later ones acknowledged already are written again (a duplicate
    // record is allowed, a lost one is not).
    let from = 0;
    while (writer.acked.has(from)) from++;
    const child = spawn(process.execPath, ['-r', '@swc-node/register', WRITER_SCRIPT], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        AUDIT_TARGET: JSON.stringify(target),
        AUDIT_WRITER: String(writer.id),
        AUDIT_FROM: String(from),
        AUDIT_TO: String(RECORDS),
        AUDIT_PARTITIONS: String(PARTITIONS),
        AUDIT_KEY_FILE: join(directory, 'audit-signing.pem'),
        AUDIT_CHECKPOINT_DIR: join(directory, 'checkpoints'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    writer.child = child;
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('ack ')) writer.acked.add(Number(line.slice(4)));
        else if (line === 'done') writer.done = true;
      }
    });
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    writer.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        if (code !== 0 && code !== null) errors.split('\n').forEach((line) => line && process.stderr.write(`writer ${writer.id}: ${line}\n`));
        resolve(code);
      }),
    );
  }

  it(`keeps ${WRITERS} × ${RECORDS} records fork-free and gap-free through ${KILLS} kills`, async () => {
    writers.forEach(start);
    // Each kill waits for its writer to pass a number of acknowledged records (random, well before the end), so the
    // kills land mid-stream however fast the machine is. Two writers are killed twice.
    // Thresholds count acknowledgements since the writer's last (re)start, so a fast machine cannot finish a writer
    // before its second kill.
    const thresholds = writers.map((_, id) => (id < KILLS - WRITERS ? [200 + rand(500), 100 + rand(300)] : [200 + rand(1_400)]));
    const ackedAtStart = writers.map(() => 0);
    let kills = 0;
    while (kills < KILLS && !writers.every((w) => w.done)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const writer of writers) {
        const next = thresholds[writer.id][0];
        if (next === undefined || writer.done || writer.child?.exitCode !== null || writer.acked.size - ackedAtStart[writer.id] < next) continue;
        thresholds[writer.id].shift();
        writer.child!.kill('SIGKILL');
        await writer.exited;
        kills++;
        ackedAtStart[writer.id] = writer.acked.size;
        start(writer);
      }
    }
    for (const writer of writers) {
      while (!writer.done) {
        const code = await writer.exited;
        if (!writer.done) throw new Error(`writer ${writer.id} exited with ${code} before finishing`);
      }
    }
    expect(kills).toBe(KILLS);

    const table = target.dialect === 'postgres' ? `"${target.schema}".audit_records` : 'audit_records';
    const forks = await dataSource.query(`SELECT chain, prev_hash FROM ${table} GROUP BY chain, prev_hash HAVING count(*) > 1`);
    expect(forks).toEqual([]);
    const shape: { chain: number; n: string; low: string; high: string }[] = await dataSource.query(
      `SELECT chain, count(*) AS n, min(sequence) AS low, max(sequence) AS high FROM ${table} GROUP BY chain ORDER BY chain`,
    );
    expect(shape.map((s) => s.chain)).toEqual([0, 1, 2, 3, 4]);
    for (const chain of shape) expect([Number(chain.low), Number(chain.high)]).toEqual([1, Number(chain.n)]);
    const total = shape.reduce((sum, s) => sum + Number(s.n), 0);
    expect(total).toBeGreaterThanOrEqual(WRITERS * RECORDS);

    const stored = new Set((await dataSource.query(`SELECT DISTINCT decision_id AS id FROM ${table}`)).map((row: { id: string }) => row.id));
    const lost = writers.flatMap((w) => [...w.acked].filter((n) => !stored.has(`w${w.id}-${n}`)).map((n) => `w${w.id}-${n}`));
    expect(lost).toEqual([]);
    expect(writers.every((w) => w.acked.size === RECORDS)).toBe(true);

    const key = loadAuditSigningKey(join(directory, 'audit-signing.pem'));
    const result = await new AuditVerifier({ store: auditRecordRepository(dataSource), trustedPublicKey: key.publicKey, checkpoints: new AuditCheckpointFile(join(directory, 'checkpoints')) }).verify();
    expect(result).toEqual(expect.objectContaining({ ok: true, recordsVerified: total, chains: PARTITIONS + 1 }));
    expect(result.checkpointsVerified).toBeGreaterThan(WRITERS);
  });
});
