/**
 * Reliability D4 (rebalance storm) and R3 (partition handover), bench tier: three platform processes in Kafka mode on
 * one PostgreSQL schema; one of two is stopped or started every period (default 15 s for 5 min: ≥ 20 rebalances)
 * while events are produced and decisions requested from every live process. Prints the D4/R3 lines and p99.
 * Usage: node -r @swc-node/register tools/bench/rebalance-storm.bench.ts [stormSeconds=300] [periodSeconds=15] [logDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaBroker } from '@kairos/testing';
import { judgeRebalanceStorm, runRebalanceStorm, stormReportLines } from '../../libs/runtime/src/testing/rebalance-storm';

async function main(): Promise<void> {
  const stormMs = Number(process.argv[2] ?? 300) * 1000;
  const periodMs = Number(process.argv[3] ?? 15) * 1000;
  const logDir = process.argv[4];
  if (logDir) mkdirSync(logDir, { recursive: true });
  const kafka = await ensureKafkaBroker();
  try {
    const report = await runRebalanceStorm({ brokers: kafka.brokers, stormMs, periodMs, customers: 60, overdrawn: 30, logDir, logLevel: process.env['LOG_LEVEL'], log: (line) => process.stdout.write(`${line}\n`) });
    const verdict = judgeRebalanceStorm(report);
    if (logDir) {
      const dump = { verdict, ...report, committed: Object.fromEntries(report.committed), eventCounts: Object.fromEntries(report.eventCounts), published: Object.fromEntries(report.published) };
      writeFileSync(join(logDir, 'verdict.json'), JSON.stringify(dump, null, 1));
    }
    process.stdout.write(`${stormReportLines(report, verdict)}    load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    const failures = [verdict.eventCountMismatches, verdict.lost, verdict.unknownPublished, verdict.duplicated, verdict.missingOccasions, verdict.serverErrors, verdict.unavailableWithoutRetryAfter, verdict.belowCommitted, verdict.staleReads];
    if (failures.some((list) => list.length > 0)) process.exitCode = 1;
  } finally {
    await kafka.stop();
  }
}

void main();
