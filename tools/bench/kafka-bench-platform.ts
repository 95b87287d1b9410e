/**
 * Shared pieces of the Kafka-mode benchmarks: a platform process on the broker (its own PostgreSQL schema, event
 * topic, consumer group and action-topic prefix, so several benchmarks or tests can share one dev broker), the
 * KafkaEventLog the benchmark appends to as the ingestion service does, and an open-loop producer.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { CustomerEvent } from '@kairos/contracts';
import { KafkaEventLog } from '@kairos/event-log';
import { EventIndexRepository, openDatabase } from '@kairos/persistence';
import { TEST_POSTGRES_URL, ensureKafkaBroker, requestJson, startPlatformProcess, type PlatformProcess } from '@kairos/testing';
import { metricValue } from './prometheus-text';

export interface KafkaBenchPlatform {
  readonly brokers: readonly string[];
  /** Unique per run: `kairos.bench.<run>`; the event topic, group and action topics start with it. */
  readonly run: string;
  readonly topic: string;
  /** Actions of channel c are published on `${actionTopicPrefix}c`. */
  readonly actionTopicPrefix: string;
  readonly log: KafkaEventLog;
  readonly process: PlatformProcess;
  metrics(): Promise<string>;
  /**
   * Resolves once the worker applied at least `count` events (kairos_events_applied_total); rejects after
   * `withinMs` (default 120 s) naming how many are missing, so a run that lost events reports it instead of hanging.
   */
  waitApplied(count: number, withinMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startKafkaBenchPlatform(options: { readonly app: 'platform' | 'decisioning'; readonly partitions?: number; readonly env?: Record<string, string> }): Promise<KafkaBenchPlatform> {
  const kafka = await ensureKafkaBroker();
  const id = randomBytes(4).toString('hex');
  const schema = `kairos_bench_${id}`;
  const run = `kairos.bench.${id}`;
  const topic = `${run}.events`;
  const actionTopicPrefix = `${run}.actions.`;
  const partitions = options.partitions ?? 8;
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-kbench-'));
  const database = await openDatabase({ dialect: 'postgres', url: TEST_POSTGRES_URL, schema });
  const log = await KafkaEventLog.open({ brokers: kafka.brokers, topic, partitionCount: partitions, eventIdIndex: new EventIndexRepository(database) });
  const worker = await startPlatformProcess({
    app: options.app,
    dataDir,
    timeoutMs: 120_000,
    // A CPU profile of the platform process (written when the benchmark stops it), for finding what the tail waits on.
    nodeArgs: process.env.KAIROS_BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KAIROS_BENCH_PROFILE_DIR}`, '--cpu-prof-interval=250'] : [],
    env: {
      KAFKA_BROKERS: kafka.brokers.join(','),
      DATABASE_URL: TEST_POSTGRES_URL,
      KAIROS_MASTER_KEY: randomBytes(32).toString('base64'),
      KAIROS_DB_SCHEMA: schema,
      KAIROS_TOPIC: topic,
      KAIROS_SOURCE_TOPIC: `${run}.source`,
      KAIROS_PARTITIONS: String(partitions),
      KAIROS_CONSUMER_GROUP: `${run}.g`,
      KAIROS_OUTBOX_TOPIC_PREFIX: actionTopicPrefix,
      LOG_LEVEL: 'error',
      ...options.env,
    },
  });
  const metrics = async () => String((await requestJson(worker.baseUrl, 'GET', '/metrics', { apiKey: 'demo-admin' })).body);
  return {
    brokers: kafka.brokers,
    run,
    topic,
    actionTopicPrefix,
    log,
    process: worker,
    metrics,
    async waitApplied(count, withinMs = 120_000) {
      const deadline = Date.now() + withinMs;
      for (let applied = 0; (applied = metricValue(await metrics(), 'kairos_events_applied_total')) < count; ) {
        if (Date.now() > deadline) throw new Error(`${count - applied} of ${count} events not applied within ${withinMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      // Every step is tried, whatever failed before: a shared broker and database must not keep a run's leftovers.
      const steps = [
        () => worker.kill('SIGTERM'),
        () => log.close(),
        () => database.query(`DROP SCHEMA "${schema}" CASCADE`),
        () => database.destroy(),
        () => deleteRunTopics(kafka.brokers, run),
        () => kafka.stop(),
      ];
      for (const step of steps) await step().catch((error: Error) => console.error(`bench cleanup: ${error.message}`));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The shared dev broker outlives the benchmark: its topics and groups go with it. */
async function deleteRunTopics(brokers: readonly string[], run: string): Promise<void> {
  const admin = new Kafka({ clientId: 'kairos-bench-cleanup', brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${run}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  } catch {
    // best effort: a leftover topic costs disk, not correctness
  } finally {
    await admin.disconnect();
  }
}

/**
 * Open loop at `rate` events/s for `seconds`: every 10 ms (not bursts once a second) the events owed by the clock
 * are sent without waiting for earlier sends, so a slow platform, or a late timer on a busy machine, shows up as
 * latency rather than as a lower offered rate. Resolves after every send settled, with the number of events sent.
 */
export async function produceOpenLoop(rate: number, seconds: number, nextBatch: (size: number) => CustomerEvent[], send: (events: CustomerEvent[]) => Promise<unknown>): Promise<number> {
  const tickMs = 10;
  const inflight: Promise<unknown>[] = [];
  let sent = 0;
  const start = Date.now();
  for (let tick = 1; ; tick++) {
    const elapsedMs = Math.min(Date.now() - start, seconds * 1000);
    const owed = Math.floor((elapsedMs * rate) / 1000) - sent;
    if (owed > 0) {
      const events = nextBatch(owed);
      sent += events.length;
      inflight.push(send(events));
    }
    if (elapsedMs >= seconds * 1000) break;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + tick * tickMs - Date.now())));
  }
  await Promise.all(inflight);
  return sent;
}

/** Nearest-rank quantile of ascending `sorted` values. */
export function quantileOf(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
