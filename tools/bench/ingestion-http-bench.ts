/**
 * Embedded-mode ingestion throughput: events validated, stored durably (group-committed SQLite, fsync on) and
 * applied to profiles, posted over HTTP in batches by a load generator in this process against a platform
 * process of its own. Usage: node -r @swc-node/register tools/bench/ingestion-http-bench.ts [events] [batch] [connections] [ruleSets] [triggers]
 * `ruleSets` (default 0) deploys that many rule sets (20-row decision tables) through the governed lifecycle
 * before the run, for the issue-6 figure "profile + triggers with 100 deployed rule sets". `triggers` (default 0:
 * the five seed triggers run) deploys a trigger set of that many triggers through /v1/trigger-sets (seed triggers
 * plus bench triggers over the bench's events, see ingestion-trigger-set.ts), for §8 "100 rule sets and 20
 * triggers". The main-thread and
 * writer-thread CPU per event (from /proc) are printed too: on a shared machine they hold where events/s do not.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestJson, startPlatformProcess } from '@kairos/testing';
import { ruleSetXml } from './ingestion-rule-sets';
import { benchTriggerDocument } from './ingestion-trigger-set';
import { histogramQuantile, metricValue } from './prometheus-text';

const TOTAL = Number(process.argv[2] ?? 200_000);
const BATCH = Number(process.argv[3] ?? 500);
const CONNECTIONS = Number(process.argv[4] ?? 8);
const RULE_SETS = Number(process.argv[5] ?? 0);
const TRIGGERS = Number(process.argv[6] ?? 0);
const CUSTOMERS = 50_000;

/** A governed lifecycle step over HTTP; anything but success stops the bench. */
async function post(baseUrl: string, apiKey: string, path: string, body: unknown): Promise<{ version?: number }> {
  const response = await requestJson(baseUrl, 'POST', path, { apiKey, body });
  if (response.status >= 300) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { version?: number };
}

/** Create, submit, approve (a second person) and deploy each rule set over HTTP. */
async function deployRuleSets(baseUrl: string, count: number): Promise<void> {
  const call = (apiKey: string, path: string, body: unknown) => post(baseUrl, apiKey, path, body);
  for (let i = 0; i < count; i++) {
    const id = `bench-offer-${i}`;
    await call('demo-rule-modeler', '/v1/rule-sets', { id, dmnXml: ruleSetXml(i) });
    await call('demo-rule-modeler', `/v1/rule-sets/${id}/submit`, {});
    await call('demo-admin', `/v1/rule-sets/${id}/approve`, {});
    await call('demo-rule-modeler', `/v1/rule-sets/${id}/deploy`, {});
  }
}

/** One trigger set of `count` triggers, through the same four-eyes lifecycle; hot-deployed before the load. */
async function deployTriggerSet(baseUrl: string, count: number): Promise<void> {
  if (count === 0) return;
  const { version } = await post(baseUrl, 'demo-rule-modeler', '/v1/trigger-sets', { document: benchTriggerDocument(count) });
  await post(baseUrl, 'demo-rule-modeler', `/v1/trigger-sets/${version}/submit`, {});
  await post(baseUrl, 'demo-admin', `/v1/trigger-sets/${version}/approve`, {});
  await post(baseUrl, 'demo-rule-modeler', `/v1/trigger-sets/${version}/deploy`, {});
}

function body(batchIndex: number, baseMs: number): string {
  const events = [];
  for (let i = 0; i < BATCH; i++) {
    const n = batchIndex * BATCH + i;
    const customerId = `bench-c-${(n * 7919) % CUSTOMERS}`;
    const occurredAt = new Date(baseMs + n).toISOString();
    switch (n % 4) {
      case 0:
        events.push({ id: `bench-${n}`, type: 'login', customerId, occurredAt, source: 'bench', data: { channel: 'app' } });
        break;
      case 1:
        events.push({ id: `bench-${n}`, type: 'page_view', customerId, occurredAt, source: 'bench', data: { channel: 'web', page: '/cards/credit' } });
        break;
      default:
        events.push({
          id: `bench-${n}`,
          type: 'card_transaction',
          customerId,
          occurredAt,
          source: 'bench',
          data: { cardId: `card-${customerId}`, product: 'debit_card', amount: (n % 250) + 0.99, currency: 'EUR', merchantCategory: '5411', channel: 'pos' },
        });
    }
  }
  return JSON.stringify({ events });
}

/**
 * CPU seconds of the platform's threads from /proc (Linux): its main thread, and the busiest other thread (the log
 * writer). Per event, they say where the time goes independently of what else runs on a shared machine.
 */
function threadCpuSeconds(pid: number): { main: number; others: Map<string, number> } {
  const ticksPerSecond = 100;
  const others = new Map<string, number>();
  let main = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
      if (Number(tid) === pid) main = seconds;
      else others.set(`${tid} ${readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()}`, seconds);
    }
  } catch {
    // not Linux: no per-thread figures
  }
  return { main, others };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-bench-'));
  const platform = await startPlatformProcess({
    dataDir,
    env: { LOG_LEVEL: 'error', KAIROS_SNAPSHOT_EVERY_EVENTS: '1000000' },
    nodeArgs: process.env.KAIROS_BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KAIROS_BENCH_PROFILE_DIR}`] : [],
  });
  try {
    await deployRuleSets(platform.baseUrl, RULE_SETS);
    await deployTriggerSet(platform.baseUrl, TRIGGERS);
    const batches = TOTAL / BATCH;
    const baseMs = Date.now() - 3_600_000;
    const bodies = Array.from({ length: batches }, (_, b) => body(b, baseMs));
    let next = 0;
    let acknowledged = 0;
    const pid = platform.child.pid ?? 0;
    const cpuBefore = threadCpuSeconds(pid);
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < batches) {
          const b = next++;
          const response = await fetch(`${platform.baseUrl}/v1/events`, {
            method: 'POST',
            headers: { authorization: 'Bearer demo-channel', 'content-type': 'application/json' },
            body: bodies[b],
          });
          const result = (await response.json()) as { accepted: number };
          if (response.status !== 202) throw new Error(`batch ${b}: HTTP ${response.status}`);
          acknowledged += result.accepted;
        }
      }),
    );
    const ackedAt = process.hrtime.bigint();
    let metrics = '';
    for (;;) {
      metrics = String((await requestJson(platform.baseUrl, 'GET', '/metrics', { apiKey: 'demo-admin' })).body);
      if (metricValue(metrics, 'kairos_events_applied_total') >= TOTAL) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const appliedAt = process.hrtime.bigint();
    const cpuAfter = threadCpuSeconds(pid);
    const otherThreads = [...cpuAfter.others].map(([thread, seconds]) => [thread, seconds - (cpuBefore.others.get(thread) ?? 0)] as const).sort((a, b) => b[1] - a[1]);
    const busiestOther = otherThreads[0]?.[1] ?? 0;
    if (process.env.KAIROS_BENCH_THREADS) console.log(otherThreads.slice(0, 8));
    const seconds = (t: bigint) => Number(t - started) / 1e9;
    console.log(
      JSON.stringify(
        {
          benchmark: 'embedded ingestion over HTTP',
          events: TOTAL,
          batchSize: BATCH,
          connections: CONNECTIONS,
          deployedRuleSets: RULE_SETS,
          deployedTriggers: TRIGGERS === 0 ? 'seed (5)' : TRIGGERS,
          acknowledged,
          acceptedPerSecond: Math.round(TOTAL / seconds(ackedAt)),
          appliedPerSecond: Math.round(TOTAL / seconds(appliedAt)),
          acceptToAppliedP50Seconds: histogramQuantile(metrics, 'kairos_accept_to_applied_seconds', 0.5),
          acceptToAppliedP99Seconds: histogramQuantile(metrics, 'kairos_accept_to_applied_seconds', 0.99),
          mainThreadCpuMicrosPerEvent: Math.round(((cpuAfter.main - cpuBefore.main) / TOTAL) * 1e7) / 10,
          busiestOtherThreadCpuMicrosPerEvent: Math.round((busiestOther / TOTAL) * 1e7) / 10,
        },
        null,
        2,
      ),
    );
  } finally {
    await platform.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
