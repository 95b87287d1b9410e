import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { CustomerEvent } from '@kairos/contracts';
import { KafkaEventLog } from '@kairos/event-log';
import { EventIndexRepository, openDatabase } from '@kairos/persistence';
import { PartitionProfileStore, defaultFeatureRegistry, profileOf, profileView } from '@kairos/profile';
import { PlatformProcess, TEST_POSTGRES_URL, ensureKafkaBroker, requestJson, startPlatformProcess, watchCommittedOffsets } from '@kairos/testing';

/**
 * Reliability test D1 (CI size): distributed mode — Kafka log, PostgreSQL snapshots — with a real decisioning worker
 * process killed with SIGKILL at random points while events are produced. Afterwards every customer's state must
 * equal a reference fold of the topic: no event missing, none applied twice.
 */
const PARTITIONS = 8;
const CUSTOMERS = 1_000;
// CI size by default; the bench size of reliability.md is KAIROS_D1_EVENTS=30000 KAIROS_D1_KILLS=20.
const EVENTS = Number(process.env.KAIROS_D1_EVENTS ?? 10_000);
const KILLS = Number(process.env.KAIROS_D1_KILLS ?? 10);

function eventFor(i: number, baseMs: number): CustomerEvent {
  const customerId = `d1-c-${i % CUSTOMERS}`;
  const occurredAtMs = baseMs + i * 100;
  const common = { id: `d1-e-${i}`, customerId, occurredAt: new Date(occurredAtMs).toISOString(), occurredAtMs, receivedAtMs: occurredAtMs, source: 'd1-test' };
  switch (i % 3) {
    case 0:
      return { ...common, type: 'login', data: { channel: 'app' } };
    case 1:
      return { ...common, type: 'atm_pin_failed', data: { cardId: `card-${customerId}`, atmId: 'atm-9' } };
    default:
      return { ...common, type: 'card_transaction', data: { cardId: `card-${customerId}`, product: 'debit_card', amount: (i % 97) + 0.5, currency: 'EUR', merchantCategory: '5411', channel: 'pos' } };
  }
}

describe('D1: kill -9 of a Kafka-mode decisioning worker', () => {
  let kafka: Awaited<ReturnType<typeof ensureKafkaBroker>>;
  let database: DataSource;
  let log: KafkaEventLog;
  let worker: PlatformProcess | undefined;
  let dataDir: string;
  const schema = `kairos_d1_${randomBytes(4).toString('hex')}`;
  const topic = `kairos.d1.${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    kafka = await ensureKafkaBroker();
    dataDir = mkdtempSync(join(tmpdir(), 'kairos-d1-'));
    database = await openDatabase({ dialect: 'postgres', url: TEST_POSTGRES_URL, schema });
    log = await KafkaEventLog.open({ brokers: kafka.brokers, topic, partitionCount: PARTITIONS, eventIdIndex: new EventIndexRepository(database) });
  }, 180_000);

  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await log?.close();
    await database?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await database?.destroy();
    await kafka?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it(`keeps every customer's state equal to a reference fold of the topic over ${KILLS} kills`, async () => {
    const env = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      DATABASE_URL: TEST_POSTGRES_URL,
      KAIROS_MASTER_KEY: randomBytes(32).toString('base64'),
      KAIROS_DB_SCHEMA: schema,
      KAIROS_TOPIC: topic,
      KAIROS_CONSUMER_GROUP: `${topic}.workers`,
      KAIROS_PARTITIONS: String(PARTITIONS),
      KAIROS_KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAIROS_SNAPSHOT_EVERY_EVENTS: '400',
      KAIROS_SNAPSHOT_EVERY_MS: '250',
    };
    const baseMs = Date.now() - 2 * 3_600_000;
    const events = Array.from({ length: EVENTS }, (_, i) => eventFor(i, baseMs));
    const chunk = EVENTS / KILLS;
    let random = 7;
    const nextRandom = () => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const offsetWatch = await watchCommittedOffsets({ brokers: kafka.brokers, groupId: env.KAIROS_CONSUMER_GROUP, topic });

    for (let round = 0; round < KILLS; round++) {
      worker = await startPlatformProcess({ app: 'decisioning', dataDir, env, timeoutMs: 90_000 });
      const slice = events.slice(round * chunk, (round + 1) * chunk);
      for (let i = 0; i < slice.length; i += 100) await log.append(slice.slice(i, i + 100));
      // Kill at a random point: before, during or after the worker caught up and snapshotted.
      await new Promise((resolve) => setTimeout(resolve, nextRandom() * 2_500));
      await worker.kill('SIGKILL');
    }
    worker = await startPlatformProcess({ app: 'decisioning', dataDir, env, timeoutMs: 90_000 });

    // Reference: fold the topic as it is, partition by partition.
    const registry = defaultFeatureRegistry();
    const reference = new Map<number, PartitionProfileStore>();
    for (let p = 0; p < PARTITIONS; p++) {
      const store = new PartitionProfileStore({ partition: p, registry });
      for (let from = 0; ; ) {
        const records = await log.read(p, from, 5_000);
        if (records.length === 0) break;
        for (const record of records) store.apply(record);
        from = records[records.length - 1].offset + 1;
      }
      reference.set(p, store);
    }
    const expected = (customerId: string) => {
      for (const store of reference.values()) {
        const state = profileOf(store, customerId);
        if (state) return profileView(state, registry, Date.now()).attributes;
      }
      throw new Error(`no reference state for ${customerId}`);
    };

    const deadline = Date.now() + 90_000;
    let mismatches: string[];
    do {
      mismatches = [];
      for (let c = 0; c < CUSTOMERS; c++) {
        const customerId = `d1-c-${c}`;
        const response = await requestJson(worker.baseUrl, 'GET', `/v1/customers/${customerId}/profile`, { apiKey: 'demo-admin' });
        if (response.status !== 200) {
          mismatches.push(`${customerId}: HTTP ${response.status}`);
          continue;
        }
        const want = expected(customerId);
        if (JSON.stringify({ ...response.body.attributes, age: null }) !== JSON.stringify({ ...want, age: null })) mismatches.push(`${customerId}: state differs`);
      }
      if (mismatches.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    } while (mismatches.length > 0 && Date.now() < deadline);

    expect(mismatches.slice(0, 5)).toEqual([]);
    const { regressions, samples } = await offsetWatch.stop();
    expect(samples).toBeGreaterThan(10);
    expect(regressions).toEqual([]);
    const applied = [...reference.values()].reduce((sum, store) => sum + store.lastAppliedOffset + 1, 0);
    expect(applied).toBe(EVENTS);
    process.stdout.write(`D1: ${EVENTS} tried, ${EVENTS} held, 0 lost, 0 duplicated; ${KILLS} kills of the worker, state == reference fold for ${CUSTOMERS} customers; committed offsets monotonic over ${samples} samples\n`);
  }, 600_000);
});
