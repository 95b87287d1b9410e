import { ensureKafkaBroker } from '@kairos/testing';
import { judgeRebalanceStorm, runRebalanceStorm, stormReportLines } from './testing/rebalance-storm';

/**
 * Reliability D4 (rebalance storm) and R3 (partition handover) with three real platform processes, the real broker
 * and one PostgreSQL schema: one process is stopped (SIGTERM) or started every period while events are produced
 * over HTTP and decisions requested from every live process. The CI variant storms for 40 s with a change every
 * 6 s; tools/bench/rebalance-storm.bench.ts runs the 5-minute, 15-second variant of the reliability bar.
 * KAIROS_D4=0 skips it (e.g. on a machine without spare cores for three processes and a broker).
 */
const ENABLED = process.env['KAIROS_D4'] !== '0';
const STORM_MS = Number(process.env['KAIROS_D4_STORM_MS'] ?? 40_000);
const PERIOD_MS = Number(process.env['KAIROS_D4_PERIOD_MS'] ?? 6_000);
const title = 'loses no event or action, duplicates no action, answers no 5xx but 503 + Retry-After, serves no state older than the handover';

describe('rebalance storm with real processes (D4, R3)', () => {
  if (!ENABLED) {
    it.todo(`${title} (skipped: KAIROS_D4=0)`);
    return;
  }
  it(title, async () => {
    const kafka = await ensureKafkaBroker();
    try {
      const report = await runRebalanceStorm({ brokers: kafka.brokers, stormMs: STORM_MS, periodMs: PERIOD_MS, customers: 40, overdrawn: 12, log: (line) => process.stdout.write(`D4: ${line}\n`) });
      const verdict = judgeRebalanceStorm(report);
      process.stdout.write(stormReportLines(report, verdict));
      expect(verdict.eventCountMismatches).toEqual([]);
      expect(verdict.lost).toEqual([]);
      expect(verdict.unknownPublished).toEqual([]);
      expect(verdict.duplicated).toEqual([]);
      expect(verdict.missingOccasions).toEqual([]);
      expect(verdict.serverErrors).toEqual([]);
      expect(verdict.unavailableWithoutRetryAfter).toEqual([]);
      expect(verdict.belowCommitted).toEqual([]);
      expect(verdict.staleReads).toEqual([]);
      // The storm really happened: the group rebalanced, partitions moved, and decisions were served meanwhile,
      // some of them by way of a process that did not own the customer (forwarding).
      expect(report.membershipChanges).toBeGreaterThanOrEqual(4);
      expect(report.handovers.length).toBeGreaterThan(0);
      expect(verdict.summary.ok).toBeGreaterThan(50);
      expect(verdict.summary.forwarded).toBeGreaterThan(0);
    } finally {
      await kafka.stop();
    }
  }, 240_000);
});
