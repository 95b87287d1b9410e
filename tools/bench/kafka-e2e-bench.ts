/**
 * Kafka-mode end to end: events appended to the Kafka log (as the ingestion service does) and applied by a
 * decisioning worker process. Two phases: (1) open loop at a fixed rate (default 5,000 events/s, sent every 10 ms
 * rather than in bursts) for the accept→applied latency; (2) as fast as possible for throughput.
 * Usage: node -r @swc-node/register tools/bench/kafka-e2e-bench.ts [rate] [seconds] [throughputEvents]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomerEvent } from '@kairos/contracts';
import { KafkaEventLog } from '@kairos/event-log';
import { EventIndexRepository, openDatabase } from '@kairos/persistence';
import { TEST_POSTGRES_URL, ensureKafkaBroker, requestJson, startPlatformProcess } from '@kairos/testing';
import { histogramQuantile, metricValue } from './prometheus-text';

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
  const kafka = await ensureKafkaBroker();
  const schema = `kairos_bench_${randomBytes(4).toString('hex')}`;
  const topic = `kairos.bench.${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-kbench-'));
  const database = await openDatabase({ dialect: 'postgres', url: TEST_POSTGRES_URL, schema });
  const log = await KafkaEventLog.open({ brokers: kafka.brokers, topic, partitionCount: 8, eventIdIndex: new EventIndexRepository(database) });
  const worker = await startPlatformProcess({
    app: 'decisioning',
    dataDir,
    timeoutMs: 90_000,
    env: { KAFKA_BROKERS: kafka.brokers.join(','), DATABASE_URL: TEST_POSTGRES_URL, KAIROS_MASTER_KEY: randomBytes(32).toString('base64'), KAIROS_DB_SCHEMA: schema, KAIROS_TOPIC: topic, KAIROS_PARTITIONS: '8', KAIROS_CONSUMER_GROUP: `${topic}.g`, LOG_LEVEL: 'error' },
  });
  const applied = async () => metricValue(String((await requestJson(worker.baseUrl, 'GET', '/metrics', { apiKey: 'demo-admin' })).body), 'kairos_events_applied_total');
  const waitApplied = async (count: number) => {
    while ((await applied()) < count) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  try {
    // Warm-up: the worker owns its partitions once the first events arrive.
    await log.append(Array.from({ length: 100 }, nextEvent));
    await waitApplied(100);

    // Phase 1: open loop.
    const tickMs = 10;
    const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
    const inflight: Promise<unknown>[] = [];
    const start = Date.now();
    for (let tick = 0; Date.now() - start < SECONDS * 1000; tick++) {
      inflight.push(log.append(Array.from({ length: perTick }, nextEvent)));
      const due = start + (tick + 1) * tickMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
    await Promise.all(inflight);
    await waitApplied(sequence);
    const latencyMetrics = String((await requestJson(worker.baseUrl, 'GET', '/metrics', { apiKey: 'demo-admin' })).body);

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
    await waitApplied(sequence);
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
    await worker.kill('SIGTERM');
    await log.close();
    await database.query(`DROP SCHEMA "${schema}" CASCADE`);
    await database.destroy();
    await kafka.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
