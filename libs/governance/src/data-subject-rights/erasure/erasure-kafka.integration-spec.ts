import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { validateIncomingEvent, type CustomerEvent } from '@kairos/contracts';
import { KafkaEventLog } from '@kairos/event-log';
import { IngestionService } from '@kairos/ingestion';
import { KairosMetrics, createLogger } from '@kairos/observability';
import { CustomerKeyRepository, ErasureRepository, EventIndexRepository, IdentityRepository } from '@kairos/persistence';
import { CustomerKeyring, PersonalDataOpener, PersonalDataSealer, isSealedValue, validateStoredEvent } from '@kairos/privacy';
import { ensureKafkaBroker, useFreshDatabase } from '@kairos/testing';
import { CustomerErasureService } from './customer-erasure.service';
import { CANARY, RecordingAuditTrail, canaryRegistration } from './erasure-test-support';

/**
 * G4, distributed variant: PostgreSQL + a real Kafka broker. The topic and the database are dumped raw and searched
 * for the canary plaintext; after erasure the ciphertext read back from the topic no longer opens.
 */
const CUSTOMER = 'g4k-customer-1';
const TOPIC = `kairos.test.erasure.${randomBytes(4).toString('hex')}`;

/** Every record value of the topic, read raw from the beginning (no Kairos code in between). */
async function dumpTopic(brokers: string[], expected: number): Promise<string[]> {
  const kafka = new Kafka({ clientId: 'g4-dump', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `g4-dump-${randomBytes(4).toString('hex')}` });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString('utf8') ?? '');
          if (values.length >= expected) resolve();
        },
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`topic dump saw ${values.length} of ${expected} records`)), 30_000)));
    await Promise.race([done, timeout]);
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
  }
  return values;
}

/** Every row of every table of the schema as text: a logical dump of the application database. */
async function dumpDatabase(dataSource: DataSource, schema: string): Promise<string> {
  const tables: { table_name: string }[] = await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
  const rows: string[] = [];
  for (const { table_name } of tables) {
    const result: { row: string }[] = await dataSource.query(`SELECT t::text AS row FROM "${schema}"."${table_name}" t`);
    rows.push(...result.map((r) => r.row));
  }
  return rows.join('\n');
}

const canaryHits = (text: string) => Object.values(CANARY).filter((canary) => text.includes(canary));

describe('G4 on Kafka and PostgreSQL: erasure with canary PII', () => {
  const database = useFreshDatabase('postgres');
  let kafka: Awaited<ReturnType<typeof ensureKafkaBroker>>;
  let brokers: string[];
  let log: KafkaEventLog;
  const logs: string[] = [];

  beforeAll(async () => {
    kafka = await ensureKafkaBroker();
    brokers = kafka.brokers;
    log = await KafkaEventLog.open({ brokers, clientId: 'g4-kafka', topic: TOPIC, partitionCount: 4, eventIdIndex: new EventIndexRepository(database.dataSource()) });
  }, 180_000);

  afterAll(async () => {
    await log?.close();
    await kafka?.stop();
  }, 60_000);

  it('keeps the canary out of the topic and the database, and makes the topic copy unreadable on erasure', async () => {
    const dataSource = database.dataSource();
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
    const keyring = new CustomerKeyring(new CustomerKeyRepository(dataSource), randomBytes(32));
    const ingestion = new IngestionService(log, new IdentityRepository(dataSource), new KairosMetrics({ collectProcessMetrics: false }), logger, { maxFutureSkewMs: 300_000 }, Date.now, new PersonalDataSealer(keyring));
    await expect(ingestion.ingest([canaryRegistration(CUSTOMER)])).resolves.toMatchObject({ accepted: 1 });

    const before = await dumpTopic(brokers, 1);
    expect(canaryHits(before.join('\n'))).toEqual([]);
    const stored = JSON.parse(before[0]) as CustomerEvent<'customer_registered'> & Record<string, unknown>;
    expect(isSealedValue(stored.data.contact?.email)).toBe(true);
    // The Kafka decoder must validate with validateStoredEvent: the catalog alone refuses a sealed e-mail field.
    const { occurredAtMs: _o, receivedAtMs, ...envelope } = stored;
    expect(validateIncomingEvent(envelope, receivedAtMs as number).ok).toBe(false);
    expect(validateStoredEvent(envelope, receivedAtMs as number).ok).toBe(true);
    const opener = new PersonalDataOpener(keyring);
    expect((await opener.openEvent(stored, CUSTOMER)).data.contact?.email).toBe(CANARY.email);

    // No partition worker runs in this test: the snapshot step stays pending, everything else completes.
    const erasure = new CustomerErasureService(log, keyring, new ErasureRepository(dataSource), new RecordingAuditTrail(), logger, { snapshotWaitMs: 0 });
    const receipt = await erasure.erase(CUSTOMER, { principalId: 'dpo-1', role: 'dpo' });
    expect(receipt.steps.filter((s) => s.status === 'pending').map((s) => s.step)).toEqual(['snapshots_rewritten', 'audit_recorded']);

    const after = await dumpTopic(brokers, 2);
    expect(after.map((v) => (JSON.parse(v) as CustomerEvent).type)).toEqual(['customer_registered', 'customer_erased']);
    expect(canaryHits(after.join('\n'))).toEqual([]);
    expect(canaryHits(await dumpDatabase(dataSource, database.schema()!))).toEqual([]);
    expect(canaryHits(logs.join('\n'))).toEqual([]);
    // The ciphertext is still in the topic, and nothing can open it any more.
    const reread = JSON.parse(after[0]) as CustomerEvent<'customer_registered'>;
    expect(reread.data.firstName).toBe(stored.data.firstName);
    expect((await new PersonalDataOpener(keyring).openEvent(reread, CUSTOMER)).data).toEqual({ country: 'DE', language: 'de' });
  }, 120_000);
});
