/**
 * G3 — access export: 100 synthetic customers with data in every store this area reaches (event log, profile
 * state with snapshots, review cases on SQLite and PostgreSQL; the Kafka log through the event index). Each export
 * holds 100% of the seeded manifest of the requested customer and 0 records of anyone else; each is audited.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CustomerEvent } from '@kairos/contracts';
import { ProfileQueryService } from '@kairos/customer-state';
import { EventLog, KafkaEventLog } from '@kairos/event-log';
import { CustomerEventIndexRepository, EventIndexRepository, ReviewCaseRepository } from '@kairos/persistence';
import { STORAGE_DIALECTS, ensureKafkaBroker, useFreshDatabase } from '@kairos/testing';
import { RecordingAuditTrail } from '../../retention/audit-trail-test-support';
import { EmbeddedPipeline, startEmbeddedPipeline } from '../../retention/embedded-pipeline-test-support';
import { SubjectBoundTestCipher } from '../reviews/cipher-test-support';
import { ReviewCaseDataSource } from '../reviews/review-case-data.source';
import { ReviewCaseService } from '../reviews/review-case.service';
import { LEAVE_SEALED_FIELDS } from './customer-data-source';
import type { CustomerDataExport } from './customer-data-export';
import { CustomerDataExportService } from './customer-data-export.service';
import { EventDataSource } from './event-data.source';
import { ProfileDataSource } from './profile-data.source';

const PARTITIONS = 4;
const T0 = Date.UTC(2026, 10, 1);
const ACTOR = { type: 'principal', principalId: 'p-dpo', role: 'dpo' } as const;
/** Ids that are never substrings of one another ("g3-1-c" is not inside "g3-11-c"), so a text search finds leaks. */
const customerId = (n: number) => `g3-${n}-c`;
const CUSTOMER_ID_PATTERN = /g3-\d+-c/g;

type Manifest = Record<string, string[]>;

function eventsFor(n: number): CustomerEvent[] {
  const id = customerId(n);
  const at = (k: number) => T0 + n * 1_000 + k;
  const base = (k: number, type: CustomerEvent['type'], source: string, data: object) =>
    ({ id: `${id}-e${k}`, type, customerId: id, occurredAt: new Date(at(k) - 500).toISOString(), occurredAtMs: at(k) - 500, receivedAtMs: at(k), source, data }) as CustomerEvent;
  const events = [base(0, 'customer_registered', 'core-banking', { birthDate: '1990-05-17', country: 'DE', language: 'de', firstName: `Canary${n}` })];
  for (let k = 1; k <= 1 + (n % 4); k++) events.push(base(k, 'login', 'web', { channel: 'web' }));
  if (n % 3 === 0) events.push(base(9, 'atm_pin_failed', 'atm-network', { cardId: `card-${n}`, atmId: 'atm-7' }));
  return events;
}

async function seedReviewCases(reviews: ReviewCaseService, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let k = 0; k < n % 3; k++) {
    const opened = await reviews.open(customerId(n), { decisionId: `dec-${n}-${k}`, statement: `Statement of ${customerId(n)} #${k}` }, { principalId: 'p-opener', role: 'dpo' });
    if (k === 1) {
      await reviews.move(opened.id, { status: 'in_review', version: 1 }, { principalId: 'p-reviewer', role: 'dpo' }, () => undefined);
      await reviews.move(opened.id, { status: 'decided', version: 2, outcome: 'upheld', note: 'reviewed' }, { principalId: 'p-reviewer', role: 'dpo' }, () => undefined);
    }
    ids.push(opened.id);
  }
  return ids;
}

/** 100% of the seeded manifest, and nothing of anyone else anywhere in the document. */
function expectExactlyTheCustomers(document: CustomerDataExport, id: string, seeded: Manifest): void {
  const exported = Object.fromEntries(document.manifest.sections.map((section) => [section.name, [...section.recordIds].sort()]));
  expect(exported).toEqual(Object.fromEntries(Object.entries(seeded).map(([name, ids]) => [name, [...ids].sort()])));
  for (const section of document.manifest.sections) expect(document.sections[section.name].map((r) => r.id)).toEqual(section.recordIds);
  const mentioned = new Set(JSON.stringify(document).match(CUSTOMER_ID_PATTERN));
  expect([...mentioned]).toEqual([id]);
}

const accessRequests = (audit: RecordingAuditTrail) => audit.ofKind('dsr_executed').filter((r) => (r.output as { right: string }).right === 'access');

describe.each(STORAGE_DIALECTS)('G3 access export, embedded log + %s', (dialect) => {
  const CUSTOMERS = 100;
  const database = useFreshDatabase(dialect);
  let pipeline: EmbeddedPipeline;

  beforeAll(async () => {
    pipeline = await startEmbeddedPipeline({ dataSource: database.dataSource(), partitions: PARTITIONS, snapshotEveryEvents: 50 });
  });

  afterAll(() => pipeline.close());

  it(`exports each of ${CUSTOMERS} customers completely and nobody else, and audits every request`, async () => {
    const dataSource: DataSource = database.dataSource();
    const audit = new RecordingAuditTrail();
    const reviews = new ReviewCaseService({ cases: new ReviewCaseRepository(dataSource), audit, cipher: new SubjectBoundTestCipher() });
    const seeded = new Map<string, Manifest>();
    for (let n = 0; n < CUSTOMERS; n++) {
      const events = eventsFor(n);
      await pipeline.log.append(events);
      seeded.set(customerId(n), { profile: ['profile'], events: events.map((e) => e.id), review_cases: await seedReviewCases(reviews, n) });
    }
    // Profiles are the fold of the log (and are snapshotted): every event applied before the exports.
    await pipeline.drained();
    await pipeline.worker.snapshotAll();

    const exports = new CustomerDataExportService({
      sources: [new ProfileDataSource(new ProfileQueryService(pipeline.worker, PARTITIONS)), new EventDataSource(pipeline.log, LEAVE_SEALED_FIELDS), new ReviewCaseDataSource(reviews)],
      audit,
    });
    for (let n = 0; n < CUSTOMERS; n++) {
      const id = customerId(n);
      const document = await exports.export(id, ACTOR);
      expectExactlyTheCustomers(document, id, seeded.get(id)!);
      const [profile] = document.sections['profile'];
      expect((profile.data['attributes'] as { eventCount: number }).eventCount).toBe(seeded.get(id)!['events'].length);
      expect(JSON.stringify(document.sections['events'])).toContain(`Canary${n}"`);
    }
    const requests = accessRequests(audit);
    expect(requests).toHaveLength(CUSTOMERS);
    expect(requests.map((r) => r.subject)).toEqual(Array.from({ length: CUSTOMERS }, (_, n) => customerId(n)));
    expect(requests.every((r) => (r.output as { outcome: string }).outcome === 'completed')).toBe(true);

    // A customer Kairos knows nothing about gets a confirmation that nothing is held (Art. 15(1)), not an error.
    const unknown = await exports.export('g3-unknown-c', ACTOR);
    expect(unknown.manifest.totalRecords).toBe(0);
  });
});

describe('G3 access export, Kafka log through the event index', () => {
  const CUSTOMERS = 20;
  const database = useFreshDatabase('sqlite');
  let broker: { brokers: string[]; stop: () => Promise<void> };
  let log: EventLog;

  beforeAll(async () => {
    broker = await ensureKafkaBroker();
    const dataSource = database.dataSource();
    log = await KafkaEventLog.open({
      brokers: broker.brokers,
      topic: `kairos.test.g3.${randomUUID().slice(0, 8)}`,
      partitionCount: PARTITIONS,
      eventIdIndex: new EventIndexRepository(dataSource),
      customerEventLocator: new CustomerEventIndexRepository(dataSource),
    });
  }, 120_000);

  afterAll(async () => {
    await log?.close();
    await broker?.stop();
  }, 60_000);

  it('exports every sampled customer completely from the topic and nobody else', async () => {
    const audit = new RecordingAuditTrail();
    const reviews = new ReviewCaseService({ cases: new ReviewCaseRepository(database.dataSource()), audit, cipher: new SubjectBoundTestCipher() });
    const seeded = new Map<string, Manifest>();
    const all: CustomerEvent[] = [];
    for (let n = 0; n < CUSTOMERS; n++) {
      all.push(...eventsFor(n));
      seeded.set(customerId(n), { events: eventsFor(n).map((e) => e.id), review_cases: await seedReviewCases(reviews, n) });
    }
    await log.append(all);
    const exports = new CustomerDataExportService({ sources: [new EventDataSource(log, LEAVE_SEALED_FIELDS), new ReviewCaseDataSource(reviews)], audit });
    for (let n = 0; n < CUSTOMERS; n += 2) {
      const document = await exports.export(customerId(n), ACTOR);
      expectExactlyTheCustomers(document, customerId(n), seeded.get(customerId(n))!);
      expect(document.sections['events'].map((r) => r.data['type'])).toEqual(eventsFor(n).map((e) => e.type));
    }
    expect(accessRequests(audit).map((r) => r.subject)).toEqual(Array.from({ length: CUSTOMERS / 2 }, (_, i) => customerId(2 * i)));
  });
});
