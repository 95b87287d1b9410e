// Campaign send ledger benchmark: what the send job spends per customer besides the decision itself — the claim
// (`begin`: row locks, audience slots under a cap) and the close (`finish`), in the job's batches of 100, — on SQLite, and on PostgreSQL when
// KAIROS_BENCH_POSTGRES_URL is set, plus the pre-filter read of a settled partition. Run with
//   node -r @swc-node/register tools/bench/campaign-sends.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CampaignSendRepository, openDatabase } from '@kairos/persistence';
import type { DataSource } from 'typeorm';

const CUSTOMERS = 5_000;
/** The send job's default batch. */
const BATCH = 100;

async function bench(label: string, database: DataSource): Promise<void> {
  const sends = new CampaignSendRepository(database);
  for (const [campaignId, maxAudience] of [['bench-uncapped', null], ['bench-capped', CUSTOMERS]] as const) {
    const start = performance.now();
    for (let first = 0; first < CUSTOMERS; first += BATCH) {
      const customers = Array.from({ length: BATCH }, (_, i) => ({ customerId: `bench-${first + i}`, partition: (first + i) % 16 }));
      const claims = await sends.begin({
        campaignId,
        version: 1,
        customers,
        maxAudience,
        nowMs: 1_000,
        retryExcludedAfterMs: 86_400_000,
        pendingLeaseMs: 300_000,
        decisionIdOf: (customerId, attempt) => `cmp-${campaignId}-${customerId}-${attempt}`,
      });
      const closes = [...claims].flatMap(([customerId, claim]) => (claim.kind === 'go' ? [{ customerId, decisionId: claim.decisionId, status: 'sent' as const, reason: null }] : []));
      await sends.finish({ campaignId, version: 1 }, closes, 1_001);
    }
    const seconds = (performance.now() - start) / 1000;
    const read = performance.now();
    let settled = 0;
    for (let p = 0; p < 16; p++) settled += (await sends.statesOn({ campaignId, version: 1 }, [p])).size;
    console.log(
      `${label} ${maxAudience === null ? 'no cap ' : 'with cap'}: ${(CUSTOMERS / seconds).toFixed(0)} sends/s claimed+closed (${((seconds * 1000) / CUSTOMERS).toFixed(2)} ms each); settled-row read ${settled} rows in ${(performance.now() - read).toFixed(0)} ms`,
    );
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-bench-sends-'));
  const sqlite = await openDatabase({ dialect: 'sqlite', dataDir });
  try {
    await bench('sqlite  ', sqlite);
  } finally {
    await sqlite.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const url = process.env['KAIROS_BENCH_POSTGRES_URL'];
  if (!url) return;
  const schema = `bench_sends_${Date.now()}`;
  const postgres = await openDatabase({ dialect: 'postgres', url, schema });
  try {
    await bench('postgres', postgres);
  } finally {
    await postgres.query(`DROP SCHEMA "${schema}" CASCADE`);
    await postgres.destroy();
  }
}

void main();
