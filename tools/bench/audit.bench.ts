// Audit log benchmark: appends per second through the journal's group commit (many concurrent appenders, one
// transaction per flush) on SQLite and PostgreSQL, and verification speed (records per second, every chain plus the
// signed checkpoints). Run with
//   node -r @swc-node/register tools/bench/audit.bench.ts
// Sizes: AUDIT_BENCH_RECORDS (default 100000 per dialect), AUDIT_BENCH_APPENDERS (default 512 concurrent appenders),
// AUDIT_BENCH_DIALECTS (default "sqlite,postgres"), AUDIT_BENCH_SQLITE_WRITER ("thread", the default: appends committed
// by the writer thread; "inline": the synchronous repository on the event loop, for comparison). Targets: ≥ 20,000 appends/s, ≥ 200,000 verified records/s.
// The first row, "journal only", is the main thread's CPU per append with a store that does no I/O: the part of the
// append rate that does not depend on the database, comparable even on a busy machine.
// Hundreds of appends in flight keep a few MB of drafts alive across young-generation collections; a larger young
// generation (node --max-semi-space-size=64 …) measurably raises the append rate — run both and report both.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  AuditCheckpointFile,
  AuditCheckpointer,
  AuditJournal,
  AuditVerifier,
  loadAuditSigningKey,
  type AuditRecordDraft,
  type AuditRecordStore,
  type ChainHead,
  type PersonalDataCipher,
  type StoredAuditRecord,
} from '@kairos/audit';
import { auditRecordRepository, openDatabase, SqliteAuditRecordRepository, type StorageTarget } from '@kairos/persistence';
import { TEST_POSTGRES_URL } from '@kairos/testing';

const RECORDS = Number(process.env.AUDIT_BENCH_RECORDS ?? 100_000);
const APPENDERS = Number(process.env.AUDIT_BENCH_APPENDERS ?? 512);
const DIALECTS = (process.env.AUDIT_BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const PARTITIONS = 12;
const SQLITE_WRITER = process.env.AUDIT_BENCH_SQLITE_WRITER ?? 'thread';

const cipher: PersonalDataCipher = { seal: async (_s, text) => Buffer.from(text).toString('base64'), open: async (_s, sealed) => Buffer.from(sealed, 'base64').toString() };

const FEATURES = ['income_monthly', 'age_band', 'txn_count_30d', 'has_credit_card', 'digital_user', 'churn_risk'] as const;

/** A decision record the size the decision path writes (about 1.3 KB of canonical JSON), varied by `n`. */
function decision(n: number): AuditRecordDraft {
  const value = (i: number) => (i % 3 === 0 ? n % (1_000 * (i + 1)) : i % 3 === 1 ? `band-${n % 7}` : n % 2 === 0);
  const attributions = FEATURES.slice(0, 3).map((feature, i) => ({ feature, contribution: (i % 2 === 0 ? 1 : -1) * (0.2 - i * 0.05) }));
  return {
    kind: n % 7 === 0 ? 'action_suppressed' : 'decision_served',
    actor: { type: 'component', component: 'decisioning', version: '1.4.2' },
    subject: `c-${n % 50_000}`,
    decisionId: `d-${n}`,
    inputs: FEATURES.map((feature, i) => ({ feature, value: value(i) })),
    logic: {
      rules: [{ ruleSetId: 'offers', version: '12', tableId: 'offerTable', rowIds: [`r${n % 9}`, `r${(n + 4) % 9}`] }],
      models: [{ modelId: 'propensity-card', version: '7', stage: 'production', score: (n % 1_000) / 1_000, attributions }],
      seeds: { bandit: n },
    },
    consent: { asOfOffset: n, grants: ['email', null].map((channel) => ({ purpose: channel ? 'marketing' : 'profiling', channel, status: 'given' })), objections: [] },
    output: { actions: [{ actionId: `a-${n}`, offerId: `offer-${n % 5}`, priority: 0.81 }], channel: 'web' },
    reasons: ['consent_given:marketing:email', `rule_matched:offers:r${n % 9}`, 'score_above_threshold:propensity-card'],
    counterfactuals: [{ feature: 'income_monthly', actual: n % 1_000, threshold: 3_200, wouldResultIn: 'offer-premium-card' }],
    occurredAtMs: 1_795_000_000_000 + n,
  };
}

interface Row {
  readonly what: string;
  readonly dialect: string;
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly note: string;
}

async function benchDialect(dialect: 'sqlite' | 'postgres', rows: Row[]): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'kairos-audit-bench-'));
  const schema = `kairos_bench_audit_${randomBytes(4).toString('hex')}`;
  const target: StorageTarget = dialect === 'sqlite' ? { dialect, dataDir: join(scratch, 'db') } : { dialect, url: TEST_POSTGRES_URL, schema };
  const dataSource = await openDatabase(target);
  try {
    const store = dialect === 'sqlite' && SQLITE_WRITER === 'inline' ? new SqliteAuditRecordRepository(dataSource) : auditRecordRepository(dataSource);
    const key = loadAuditSigningKey(join(scratch, 'audit-signing.pem'), { createIfMissing: true });
    const file = new AuditCheckpointFile(join(scratch, 'checkpoints'));
    const journal = new AuditJournal({ store, cipher, partitionCount: PARTITIONS, checkpointer: new AuditCheckpointer({ store, key, file }), checkpointEveryRecords: 10_000, checkpointEveryMs: 0 });

    await appendAll(journal, 0, 2_000); // warm-up: JIT, prepared statements, pool
    const latencies: number[] = [];
    const started = performance.now();
    const loopBefore = performance.eventLoopUtilization();
    await appendAll(journal, 2_000, RECORDS, latencies);
    const seconds = (performance.now() - started) / 1_000;
    // Event-loop time per append: what an HTTP server sharing the loop loses to the audit log.
    const loopUsPerAppend = (performance.eventLoopUtilization(loopBefore).active * 1_000) / (RECORDS - 2_000);
    await journal.close();
    latencies.sort((a, b) => a - b);
    const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
    rows.push({ what: `append (group commit${dialect === 'sqlite' ? `, ${SQLITE_WRITER}` : ''})`, dialect, count: RECORDS - 2_000, seconds, perSecond: (RECORDS - 2_000) / seconds, note: `${APPENDERS} appenders; latency p50 ${quantile(0.5)} ms, p99 ${quantile(0.99)} ms; event loop ${loopUsPerAppend.toFixed(1)} µs/append` });

    // Run 0 finds the store's verification threads not started: a log this large starts them first (under swc-node each
    // compiles its TypeScript first), and that start is part of its time. The process keeps the threads, so runs 1
    // and 2 are what every later verification costs.
    const verifier = new AuditVerifier({ store, trustedPublicKey: key.publicKey, checkpoints: file });
    for (let run = 0; run <= 2; run++) {
      const cpuBefore = process.cpuUsage();
      const t0 = performance.now();
      const result = await verifier.verify();
      const s = (performance.now() - t0) / 1_000;
      // CPU of this process, every thread: the client's share per record, comparable on a busy machine (the server's
      // share is not in it).
      const cpu = process.cpuUsage(cpuBefore);
      if (!result.ok) throw new Error(`verification failed: ${JSON.stringify(result)}`);
      const how = store.chainVerifier?.ready() ? `${store.chainVerifier.lanes} verification threads` : 'on the event loop';
      rows.push({
        what: run === 0 ? 'verify, first (starts the threads)' : `verify, run ${run}`,
        dialect,
        count: result.recordsVerified,
        seconds: s,
        perSecond: result.recordsVerified / s,
        note: `${result.chains} chains, ${result.checkpointsVerified} checkpoints, ${how}; ${((cpu.user + cpu.system) / result.recordsVerified).toFixed(1)} µs CPU/record in this process`,
      });
    }

    if (dialect === 'sqlite') {
      // The verifier's own cost, rows already in memory: what remains when the database is not the limit.
      const memory = await inMemoryCopy(store);
      const inMemory = new AuditVerifier({ store: memory, trustedPublicKey: key.publicKey, checkpoints: file });
      const t0 = performance.now();
      const result = await inMemory.verify();
      const s = (performance.now() - t0) / 1_000;
      rows.push({ what: 'verify, rows in memory', dialect: '-', count: result.recordsVerified, seconds: s, perSecond: result.recordsVerified / s, note: 'hash + link + column check only' });
    }
  } finally {
    if (dialect === 'postgres') await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function appendAll(journal: AuditJournal, from: number, to: number, latencies?: number[]): Promise<void> {
  let next = from;
  const appender = async () => {
    while (next < to) {
      const n = next++;
      const t0 = performance.now();
      await journal.append(decision(n));
      latencies?.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: APPENDERS }, appender));
}

/**
 * The journal alone, against a store that does no I/O (it places each batch and commits it 5 ms later): the main
 * thread's CPU per append (validation, canonical JSON, sealing, hashing, promises, garbage collection). CPU time, not
 * wall time, so it stays comparable on a busy machine; the process has no other thread yet when this runs.
 */
async function benchJournalOnly(rows: Row[]): Promise<void> {
  const heads = new Map<number, ChainHead>();
  const store = {
    preferredConcurrentFlushes: 3,
    appendBatch: (_chains: readonly number[], build: (heads: ReadonlyMap<number, ChainHead>) => readonly StoredAuditRecord[]) => {
      const records = build(heads);
      for (const record of records) heads.set(record.chain, record);
      return new Promise<readonly StoredAuditRecord[]>((resolve) => setTimeout(() => resolve(records), 5));
    },
  } as unknown as AuditRecordStore;
  const journal = new AuditJournal({ store, cipher, partitionCount: PARTITIONS });
  await appendAll(journal, 0, 10_000);
  const count = Math.min(RECORDS, 100_000);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await appendAll(journal, 10_000, 10_000 + count);
  const seconds = (performance.now() - started) / 1_000;
  const cpu = process.cpuUsage(cpuBefore);
  await journal.close();
  rows.push({ what: 'append, journal only (store without I/O)', dialect: '-', count, seconds, perSecond: count / seconds, note: `main thread ${((cpu.user + cpu.system) / count).toFixed(1)} µs CPU/append` });
}

/** Every chain read once through the store into arrays, served back page by page. */
async function inMemoryCopy(store: AuditRecordStore): Promise<AuditRecordStore> {
  const chains = new Map<number, StoredAuditRecord[]>();
  for (const head of await store.heads()) {
    const rows: StoredAuditRecord[] = [];
    for (let from = 1; from <= head.sequence; from += 10_000) rows.push(...(await store.readChain(head.chain, from, 10_000)).filter((r) => r.sequence >= from && r.sequence < from + 10_000));
    chains.set(head.chain, rows);
  }
  return {
    ...store,
    chainVerifier: undefined,
    heads: store.heads.bind(store),
    readChain: async (chain, fromSequence, limit) => (chains.get(chain) ?? []).slice(fromSequence - 1, fromSequence - 1 + limit),
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  await benchJournalOnly(rows);
  for (const dialect of DIALECTS) await benchDialect(dialect, rows);
  const flags = process.execArgv.filter((flag) => flag.startsWith('--max-semi-space-size')).join(' ') || 'default heap flags';
  console.log(`\nAudit log — ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${flags}, load ${loadavg()[0].toFixed(2)}`);
  console.log('| what | dialect | records | seconds | records/s | notes |');
  console.log('|---|---|---:|---:|---:|---|');
  for (const row of rows) {
    console.log(`| ${row.what} | ${row.dialect} | ${row.count.toLocaleString('en-US')} | ${row.seconds.toFixed(2)} | ${Math.round(row.perSecond).toLocaleString('en-US')} | ${row.note} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
