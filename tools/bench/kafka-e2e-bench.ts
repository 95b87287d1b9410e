/**
 * Kafka-mode end to end: events appended to the Kafka log (as the ingestion service does) and applied by a
 * decisioning worker process. Two phases: (1) open loop at a fixed rate (default 5,000 events/s, sent every 10 ms
 * rather than in bursts) for the accept→applied latency; (2) as fast as possible for throughput.
 * Usage: node -r @swc-node/register tools/bench/kafka-e2e-bench.ts [rate] [seconds] [throughputEvents]
 */
import { CustomerEvent } from '@kairos/contracts';
import { produceOpenLoop, startKafkaBenchPlatform } from './kafka-bench-platform';
import { histogramQuantile } from './prometheus-text';

const RATE = Number(process.argv[2] ?? 5_000);
const SECONDS = Number(process.argv[3] ?? 20);
const THROUGHPUT_EVENTS = Number(process.argv[4] ?? 200_000);
const CUSTOMERS = 50_000;

let sequence = 0;
function nextEvent(): CustomerEvent {
  const n = sequence++;
  const now = Date.now();
  return { id: `kb-${n}`, type: 'login', customerId: `kb-c-${(n * 7919) % CUSTOMERS}`, occurredAt: new Date(now).toISOString(), occurredAtMs: now, receivedAtMs: now, source: 'bench', data: { channel: 'app' } };
}

async function main() {
  const platform = await startKafkaBenchPlatform({ app: 'decisioning' });
  const { log } = platform;
  try {
    // Warm-up: the worker owns its partitions once the first events arrive.
    await log.append(Array.from({ length: 100 }, nextEvent));
    await platform.waitApplied(100);

    // Phase 1: open loop.
    await produceOpenLoop(RATE, SECONDS, (size) => Array.from({ length: size }, nextEvent), (events) => log.append(events));
    await platform.waitApplied(sequence);
    const latencyMetrics = await platform.metrics();

    // Phase 2: throughput.
    const before = sequence;
    const t0 = Date.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < THROUGHPUT_EVENTS; i += 500) {
      sends.push(log.append(Array.from({ length: 500 }, nextEvent)));
      if (sends.length >= 16) await sends.shift();
    }
    await Promise.all(sends);
    const producedMs = Date.now() - t0;
    await platform.waitApplied(sequence);
    const appliedMs = Date.now() - t0;
    console.log(
      JSON.stringify(
        {
          benchmark: 'Kafka mode end to end (KafkaEventLog append → decisioning worker applied)',
          openLoop: { rate: RATE, seconds: SECONDS, acceptToAppliedP50Seconds: histogramQuantile(latencyMetrics, 'kairos_accept_to_applied_seconds', 0.5), acceptToAppliedP99Seconds: histogramQuantile(latencyMetrics, 'kairos_accept_to_applied_seconds', 0.99) },
          throughput: { events: sequence - before, producedPerSecond: Math.round(((sequence - before) * 1000) / producedMs), appliedPerSecond: Math.round(((sequence - before) * 1000) / appliedMs) },
        },
        null,
        2,
      ),
    );
  } finally {
    await platform.close();
  }
}

void main();
