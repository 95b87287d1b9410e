/**
 * Embedded-mode ingestion throughput: events validated, stored durably (group-committed SQLite, fsync on) and
 * applied to profiles, posted over HTTP in batches by a load generator in this process against a platform
 * process of its own. Usage: node -r @swc-node/register tools/bench/ingestion-http-bench.ts [events] [batch] [connections]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestJson, startPlatformProcess } from '@kairos/testing';
import { histogramQuantile, metricValue } from './prometheus-text';

const TOTAL = Number(process.argv[2] ?? 200_000);
const BATCH = Number(process.argv[3] ?? 500);
const CONNECTIONS = Number(process.argv[4] ?? 8);
const CUSTOMERS = 50_000;

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

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-bench-'));
  const platform = await startPlatformProcess({
    dataDir,
    env: { LOG_LEVEL: 'error', KAIROS_SNAPSHOT_EVERY_EVENTS: '1000000' },
    nodeArgs: process.env.KAIROS_BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KAIROS_BENCH_PROFILE_DIR}`] : [],
  });
  try {
    const batches = TOTAL / BATCH;
    const baseMs = Date.now() - 3_600_000;
    const bodies = Array.from({ length: batches }, (_, b) => body(b, baseMs));
    let next = 0;
    let acknowledged = 0;
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
    const seconds = (t: bigint) => Number(t - started) / 1e9;
    console.log(
      JSON.stringify(
        {
          benchmark: 'embedded ingestion over HTTP',
          events: TOTAL,
          batchSize: BATCH,
          connections: CONNECTIONS,
          acknowledged,
          acceptedPerSecond: Math.round(TOTAL / seconds(ackedAt)),
          appliedPerSecond: Math.round(TOTAL / seconds(appliedAt)),
          acceptToAppliedP50Seconds: histogramQuantile(metrics, 'kairos_accept_to_applied_seconds', 0.5),
          acceptToAppliedP99Seconds: histogramQuantile(metrics, 'kairos_accept_to_applied_seconds', 0.99),
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
