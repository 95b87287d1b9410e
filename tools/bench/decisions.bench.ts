/**
 * Decision API latency under an open-loop load: requests are sent on a fixed schedule (not when the previous one
 * returned), and each latency is measured from its scheduled send time, so a stall shows up in every request it
 * delays (no coordinated omission). The load comes from a lean generator (`open-loop-http.ts`) that costs the
 * shared cores little, so the percentiles measure the platform rather than the client. The platform runs in its own process on the embedded default with every
 * module wired: three production models scored per decision, arbitration, and the `decision_served` audit record
 * in both durability modes (the reply waits for the commit, or trails it by a bounded window). The machine's fsync
 * tail is measured beside it, since the audit commit waits for it.
 * Usage: node -r @swc-node/register tools/bench/decisions.bench.ts [ratePerSecond] [seconds] [customers]
 * Env: BENCH_DECISION_MODES=sync,trailing (which durability modes to run); BENCH_CPU_PROF_DIR=<dir> writes a CPU
 * profile of the platform process per mode (node --cpu-prof) for finding where a decision's time goes;
 * BENCH_DECISION_PASSES=n (default 1) runs the open loop n times back to back, each measured on its own: a customer's
 * scores are cached while their profile is unchanged (at most a minute), so the first pass over the population pays
 * for scoring (each customer is asked `rate × seconds / customers` times per pass) and the next ones mostly do not.
 * `platformCpuMsPerDecision` (user + system CPU of the platform process per answered decision) is the number to
 * compare on a shared machine: latency percentiles there measure the neighbours.
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { approveDemoContent } from '@kairos/runtime';
import { requestJson, startPlatformProcess } from '@kairos/testing';
import { runOpenLoop } from './open-loop-http';

const RATE = Number(process.argv[2] ?? 1_000);
const SECONDS = Number(process.argv[3] ?? 20);
const CUSTOMERS = Number(process.argv[4] ?? 2_000);
const DAY = 86_400_000;
const MODES = (process.env['BENCH_DECISION_MODES'] ?? 'sync,trailing').split(',') as ('sync' | 'trailing')[];
const CPU_PROF_DIR = process.env['BENCH_CPU_PROF_DIR'];
const PASSES = Math.max(1, Number(process.env['BENCH_DECISION_PASSES'] ?? 1));

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Customers with a checking account, a credit card and some behaviour, plus marketing consent for half of them. */
function population(): unknown[] {
  const events: unknown[] = [];
  const now = Date.now();
  for (let i = 0; i < CUSTOMERS; i++) {
    const c = `bench-d-${i}`;
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    events.push(
      { id: `${c}-reg`, type: 'customer_registered', customerId: c, occurredAt: at(900), source: 'bench', data: { birthDate: '1980-05-05', country: 'DE', language: 'de' } },
      { id: `${c}-ca`, type: 'product_opened', customerId: c, occurredAt: at(800), source: 'bench', data: { product: 'checking_account', productId: `ca-${c}` } },
      { id: `${c}-cc`, type: 'product_opened', customerId: c, occurredAt: at(400), source: 'bench', data: { product: 'credit_card', productId: `cc-${c}`, limit: 2000 } },
      { id: `${c}-tx`, type: 'card_transaction', customerId: c, occurredAt: at(3), source: 'bench', data: { cardId: `cc-${c}`, product: 'credit_card', amount: 35, currency: 'EUR', merchantCategory: '5411', channel: 'pos' } },
      { id: `${c}-login`, type: 'login', customerId: c, occurredAt: at(1), source: 'bench', data: { channel: 'app' } },
    );
  }
  return events;
}

async function loadPopulation(baseUrl: string): Promise<void> {
  const events = population();
  for (let i = 0; i < events.length; i += 1_000) {
    const reply = await requestJson(baseUrl, 'POST', '/v1/events', { apiKey: 'demo-channel', body: { events: events.slice(i, i + 1_000) } });
    if (reply.status !== 202) throw new Error(`loading the population answered ${reply.status}`);
  }
  // Every customer may be scored (the shipped models' purpose); half also take marketing offers.
  const consent = async (i: number, purpose: string) => {
    const change = { purpose, status: 'given', method: 'app', capturedAt: new Date().toISOString(), noticeId: 'n-1', noticeVersion: '1', evidenceRef: `ev-${purpose}-${i}` };
    const reply = await requestJson(baseUrl, 'PUT', `/v1/customers/bench-d-${i}/consents`, { apiKey: 'demo-dpo', body: change });
    if (reply.status >= 300) throw new Error(`consent answered ${reply.status}`);
  };
  for (let i = 0; i < CUSTOMERS; i += 16) {
    const batch = Array.from({ length: Math.min(16, CUSTOMERS - i) }, (_, k) => i + k);
    await Promise.all(batch.map((c) => consent(c, 'ai_personalization')));
    await Promise.all(batch.filter((c) => c % 2 === 0).map((c) => consent(c, 'marketing')));
  }
  // Without approved content every action would be suppressed before arbitration.
  await approveDemoContent(baseUrl);
}

/**
 * What one decision did, from its audit record: the models it scored (with attributions) and the actions it
 * ranked, so a run that scores nothing (no consent, no models) is visible as such.
 */
async function sampleDecision(baseUrl: string): Promise<unknown> {
  const reply = await requestJson(baseUrl, 'POST', '/v1/decisions', { apiKey: 'demo-channel-app', body: { customerId: 'bench-d-0', channel: 'app', context: { placement: 'home' } } });
  if (reply.status !== 200) return { decisionStatus: reply.status };
  const decisionId = (reply.body as { decisionId: string }).decisionId;
  // In trailing mode the record may commit just after the reply: ask again for up to a second.
  let read = await requestJson(baseUrl, 'GET', `/v1/decisions/${decisionId}`, { apiKey: 'demo-dpo' });
  for (let attempt = 0; read.status === 404 && attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    read = await requestJson(baseUrl, 'GET', `/v1/decisions/${decisionId}`, { apiKey: 'demo-dpo' });
  }
  const record = (read.body as { record?: { logic: { models: { attributions?: unknown[] }[] }; output: { actions: unknown[]; suppressed?: unknown[] } } }).record;
  if (read.status !== 200 || !record) return { recordStatus: read.status };
  const models = record.logic.models;
  return { models: models.length, attributed: models.filter((m) => (m.attributions?.length ?? 0) > 0).length, actions: record.output.actions.length, suppressed: record.output.suppressed?.length ?? 0 };
}

/** One open-loop run: `RATE` requests per second for `SECONDS`, latency from each request's scheduled time. */
async function openLoop(baseUrl: string): Promise<{ sent: number; ok: number; errors: Record<string, number>; p50: number; p99: number; p999: number; max: number; achievedRate: number }> {
  const { hostname, port } = new URL(baseUrl);
  const run = await runOpenLoop({
    host: hostname,
    port: Number(port),
    ratePerSecond: RATE,
    total: RATE * SECONDS,
    request: (i) => ({
      method: 'POST',
      path: '/v1/decisions',
      headers: { authorization: 'Bearer demo-channel-app', 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: `bench-d-${(i * 7919) % CUSTOMERS}`, channel: 'app', context: { placement: 'home' } }),
    }),
  });
  const round = (ms: number) => Math.round(ms * 100) / 100;
  const { latencies } = run;
  return {
    sent: run.sent,
    ok: run.ok,
    errors: run.errors,
    p50: round(quantile(latencies, 0.5)),
    p99: round(quantile(latencies, 0.99)),
    p999: round(quantile(latencies, 0.999)),
    max: round(latencies[latencies.length - 1] ?? 0),
    achievedRate: Math.round(run.sent / run.elapsedSeconds),
  };
}

/** User + system CPU seconds of a process so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS_PER_SECOND = 100;
/** How long the platform's CPU is sampled with no request before the measured passes. */
const IDLE_PROBE_MS = 5_000;

/** The fsync tail of this disk: 2,000 small appends, each followed by fsync (what a group commit waits for). */
function fsyncTail(dir: string): { p50: number; p99: number; p9999: number; max: number } {
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const times: number[] = [];
  const block = Buffer.alloc(512, 1);
  for (let i = 0; i < 2_000; i++) {
    const t = performance.now();
    writeSync(fd, block);
    fsyncSync(fd);
    times.push(performance.now() - t);
  }
  closeSync(fd);
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { p50: round(quantile(times, 0.5)), p99: round(quantile(times, 0.99)), p9999: round(quantile(times, 0.9999)), max: round(times[times.length - 1]) };
}

async function runMode(mode: 'sync' | 'trailing'): Promise<unknown> {
  const dataDir = mkdtempSync(join(tmpdir(), `kairos-bench-decisions-${mode}-`));
  const nodeArgs = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`, `--cpu-prof-name=decisions-${mode}.cpuprofile`] : [];
  const platform = await startPlatformProcess({ dataDir, env: { LOG_LEVEL: 'error', KAIROS_DECISION_AUDIT_MODE: mode }, timeoutMs: 120_000, nodeArgs });
  try {
    await loadPopulation(platform.baseUrl);
    // Warm-up: JIT, model runners, connection pool.
    for (let i = 0; i < 500; i++) {
      await requestJson(platform.baseUrl, 'POST', '/v1/decisions', { apiKey: 'demo-channel-app', body: { customerId: `bench-d-${i % CUSTOMERS}`, channel: 'app' } });
    }
    const sample = await sampleDecision(platform.baseUrl);
    // What the platform burns with no request (timers, polls, background verification): at a low rate it is a large
    // share of the CPU per decision, so it is measured and taken out of `platformCpuMsPerDecisionNetOfIdle`.
    const idleBefore = cpuSeconds(platform.child.pid);
    await new Promise((resolve) => setTimeout(resolve, IDLE_PROBE_MS));
    const idleCpuMsPerSecond = ((cpuSeconds(platform.child.pid) - idleBefore) * 1_000_000) / IDLE_PROBE_MS;
    const passes: unknown[] = [];
    for (let pass = 1; pass <= PASSES; pass++) {
      const cpuBefore = cpuSeconds(platform.child.pid);
      const run = await openLoop(platform.baseUrl);
      // CPU the platform spent per answered decision: what capacity depends on, and steadier than latency on a busy machine.
      const cpuMsPerDecision = Math.round(((cpuSeconds(platform.child.pid) - cpuBefore) * 1_000_000) / Math.max(1, run.ok)) / 1_000;
      const netOfIdle = Math.round((cpuMsPerDecision - idleCpuMsPerSecond / run.achievedRate) * 1_000) / 1_000;
      passes.push({ pass, ...run, platformCpuMsPerDecision: cpuMsPerDecision, platformCpuMsPerDecisionNetOfIdle: netOfIdle });
    }
    return { mode, sample, platformIdleCpuMsPerSecond: Math.round(idleCpuMsPerSecond * 10) / 10, decisionsPerCustomerPerPass: Math.round(((RATE * SECONDS) / CUSTOMERS) * 100) / 100, ...(PASSES === 1 ? passes[0] as object : { passes }) };
  } finally {
    await platform.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const probeDir = mkdtempSync(join(tmpdir(), 'kairos-fsync-'));
  const fsync = fsyncTail(probeDir);
  rmSync(probeDir, { recursive: true, force: true });
  const results: unknown[] = [];
  for (const mode of MODES) results.push(await runMode(mode));
  console.log(JSON.stringify({ benchmark: 'decision API, open loop', loadAverage: loadavg().map((l) => Math.round(l * 100) / 100), ratePerSecond: RATE, seconds: SECONDS, customers: CUSTOMERS, fsyncMs: fsync, results }, null, 2));
}

void main();
