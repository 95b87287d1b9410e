/**
 * The embedded log's writer thread alone: CPU seconds per appended event (group commit, fsync on), without HTTP,
 * validation or folding. Usage: node -r @swc-node/register tools/bench/ingestion-log-writer-bench.ts [events] [batch] [inFlight]
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomerEvent } from '@kairos/contracts';
import { EmbeddedEventLog } from '@kairos/event-log';

const TOTAL = Number(process.argv[2] ?? 200_000);
const BATCH = Number(process.argv[3] ?? 500);
const IN_FLIGHT = Number(process.argv[4] ?? 8);

/** CPU seconds of every thread of this process but the main one, from /proc (Linux). */
function otherThreadsCpuSeconds(): number {
  let total = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    if (Number(tid) === process.pid) continue;
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

function batch(index: number, baseMs: number): CustomerEvent[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const n = index * BATCH + i;
    const customerId = `bench-c-${(n * 7919) % 50_000}`;
    return {
      id: `bench-${n}`,
      type: 'card_transaction',
      customerId,
      occurredAt: new Date(baseMs + n).toISOString(),
      source: 'bench',
      data: { cardId: `card-${customerId}`, product: 'debit_card', amount: (n % 250) + 0.99, currency: 'EUR', merchantCategory: '5411', channel: 'pos' },
      occurredAtMs: baseMs + n,
      receivedAtMs: baseMs + n,
    } as CustomerEvent;
  });
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-log-bench-'));
  const log = await EmbeddedEventLog.open({ dataDir, partitionCount: 16 });
  try {
    const baseMs = Date.now() - 3_600_000;
    const batches = Array.from({ length: TOTAL / BATCH }, (_, b) => batch(b, baseMs));
    let next = 0;
    const cpuBefore = otherThreadsCpuSeconds();
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < batches.length) await log.append(batches[next++]);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = otherThreadsCpuSeconds() - cpuBefore;
    console.log(JSON.stringify({ benchmark: 'embedded log writer', events: TOTAL, batchSize: BATCH, inFlight: IN_FLIGHT, appendedPerSecond: Math.round(TOTAL / seconds), otherThreadsCpuMicrosPerEvent: Math.round((cpu / TOTAL) * 1e7) / 10 }));
  } finally {
    await log.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
