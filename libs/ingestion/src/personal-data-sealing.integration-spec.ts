import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEFAULT_EVENT_VALIDATION_POLICY, type CustomerEvent } from '@kairos/contracts';
import { EmbeddedEventLog } from '@kairos/event-log';
import { KairosMetrics, createLogger } from '@kairos/observability';
import { CustomerKeyRepository, IdentityRepository, openDatabase } from '@kairos/persistence';
import { CustomerKeyring, PersonalDataOpener, PersonalDataSealer, isSealedValue } from '@kairos/privacy';
import { atmPinFailedEvent, loginEvent } from '@kairos/testing';
import type { DataSource } from 'typeorm';
import { IngestionService } from './ingestion.service';

const registration = (customerId: string | undefined, id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'customer_registered',
  ...(customerId ? { customerId } : {}),
  occurredAt: new Date(Date.now() - 60_000).toISOString(),
  source: 'core-banking',
  data: { birthDate: '1990-01-02', country: 'DE', language: 'de', firstName: 'CanaryVorname-7f3a', contact: { email: 'canary-7f3a@example.org' } },
  ...extra,
});

describe('ingestion seals personal fields before anything is stored', () => {
  let dataDir: string;
  let database: DataSource;
  let log: EmbeddedEventLog;
  let keyring: CustomerKeyring;
  let metrics: KairosMetrics;
  let ingestion: IngestionService;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kairos-sealing-'));
    database = await openDatabase({ dialect: 'sqlite', dataDir });
    log = await EmbeddedEventLog.open({ dataDir, partitionCount: 2, synchronous: 'normal' });
    keyring = new CustomerKeyring(new CustomerKeyRepository(database), randomBytes(32));
    metrics = new KairosMetrics({ collectProcessMetrics: false });
    ingestion = new IngestionService(log, new IdentityRepository(database), metrics, createLogger({ level: 'silent' }), DEFAULT_EVENT_VALIDATION_POLICY, Date.now, new PersonalDataSealer(keyring));
  });

  afterAll(async () => {
    await log.close();
    await database.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const stored = async (eventId: string) => {
    const location = await log.locate(eventId);
    return (await log.read(location!.partition, location!.offset, 1))[0].event;
  };

  it('creates no key and touches no key table for events without personal fields', async () => {
    await expect(ingestion.ingest([loginEvent('s-1'), atmPinFailedEvent('s-1')])).resolves.toMatchObject({ accepted: 2 });
    await expect(database.query('SELECT COUNT(*) AS n FROM customer_keys')).resolves.toEqual([{ n: 0 }]);
  });

  it('refuses only the erased customer’s event of a batch, reported at its index in order', async () => {
    await ingestion.ingest([registration('s-erased', 'reg-erased-1')]);
    await keyring.destroy({ customerId: 's-erased', requestId: 'dsr-s', erasedAtMs: 1 });
    const result = await ingestion.ingest([registration('s-2', 'reg-s-2'), registration('s-erased', 'reg-erased-2'), { id: 'bad' }, loginEvent('s-erased')]);
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.issues[0].rule])).toEqual([
      [1, 'customer_erased'],
      [2, 'invalid_value'],
    ]);
    expect(result.rejected[0].issues[0].path).toBe('events[1].customerId');
    const counted = (await metrics.eventsRejected.get()).values.find((v) => v.labels.rule === 'customer_erased');
    expect(counted?.value).toBe(1);
    const event = (await stored('reg-s-2')) as CustomerEvent<'customer_registered'>;
    expect([event.data.firstName, event.data.birthDate, event.data.contact?.email].every(isSealedValue)).toBe(true);
  });

  it('seals parked events for their identifier and re-seals them for the customer on release', async () => {
    await expect(ingestion.ingest([registration(undefined, 'reg-parked', { identifiers: { deviceId: 'dev-s-3' } })])).resolves.toMatchObject({ parked: 1 });
    const [{ payload }] = await new IdentityRepository(database).parkedFor([{ kind: 'deviceId', value: 'dev-s-3' }]);
    expect(payload).not.toContain('Canary');
    expect(payload).toContain('"firstName":"kx1:');
    await ingestion.ingest([loginEvent('s-3', { identifiers: { deviceId: 'dev-s-3' } })]);
    const released = await stored('reg-parked');
    expect(released.customerId).toBe('s-3');
    expect((await new PersonalDataOpener(keyring).openEvent(released, 's-3')).data).toMatchObject({ firstName: 'CanaryVorname-7f3a', birthDate: '1990-01-02' });
  });
});
