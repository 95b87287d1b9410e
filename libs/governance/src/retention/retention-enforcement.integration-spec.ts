/**
 * G5 — retention: advance the clock past each policy window; 0 records beyond retention remain in the tables and
 * the embedded log; the Kafka topic's retention.ms equals the policy (asserted via the admin API against a real
 * broker); the audit window is a floor the job never deletes before.
 */
import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { CustomerEvent, partitionForCustomer } from '@kairos/contracts';
import { EmbeddedEventLog, EventLog, KafkaEventLog } from '@kairos/event-log';
import {
  ConsentLedgerRepository,
  ContentDraftRepository,
  EventIndexRepository,
  IdentityRepository,
  PartitionSnapshotRepository,
  RetentionSweepRepository,
  ReviewCaseRepository,
  SnapshotRetentionRepository,
  TriggerTraceRepository,
} from '@kairos/persistence';
import { dormantProfiles } from '@kairos/profile';
import { STORAGE_DIALECTS, ensureKafkaBroker, useFreshDatabase } from '@kairos/testing';
import { RecordingAuditTrail } from './audit-trail-test-support';
import { EmbeddedPipeline, startEmbeddedPipeline } from './embedded-pipeline-test-support';
import { ManualClock } from './retention-clock';
import { loadRetentionPolicyFile } from './retention-policy.loader';
import { AUDIT_MINIMUM_DAYS, DAY_MS, RetentionCategory } from './retention-policy.schema';
import { DormantCustomerForgetting } from './dormant-profile-retention.target';
import { kairosRetentionTargets } from './retention-targets';
import { RetentionJob, RetentionRunReport } from './retention.job';

const T0 = Date.UTC(2026, 0, 1);
const PARTITIONS = 4;
const policy = loadRetentionPolicyFile();
const windowMs = (category: RetentionCategory) => policy.retentionMs(category);
/** Days at which data is seeded and the job runs: each step crosses at least one window of the policy. */
const WAVES_AT_DAYS = [0, 20, 31, 60, 200, 396, 420, 800, 1_830, 1_900];

const customers = Array.from({ length: 40 }, (_, i) => `cust-${i}`);
/** Partition 3 receives events in the first wave only: its newest snapshot ages past the window and must stay. */
const IDLE_PARTITION = 3;
const activeCustomers = customers.filter((c) => partitionForCustomer(c, PARTITIONS) !== IDLE_PARTITION);
const idleCustomers = customers.filter((c) => partitionForCustomer(c, PARTITIONS) === IDLE_PARTITION);

function login(id: string, customerId: string, receivedAtMs: number): CustomerEvent {
  return { id, type: 'login', customerId, occurredAt: new Date(receivedAtMs - 1000).toISOString(), occurredAtMs: receivedAtMs - 1000, receivedAtMs, source: 'web', data: { channel: 'web' } };
}

/** Every store of the job over one database; `profiles` is the partition worker, when the process has one. */
function retentionTargets(dataSource: DataSource, log: EventLog, profiles?: DormantCustomerForgetting) {
  return kairosRetentionTargets({
    log,
    sweep: new RetentionSweepRepository(dataSource),
    snapshots: new SnapshotRetentionRepository(dataSource),
    reviewCases: new ReviewCaseRepository(dataSource),
    consentLedger: new ConsentLedgerRepository(dataSource),
    contentDrafts: new ContentDraftRepository(dataSource),
    triggerTraces: new TriggerTraceRepository(dataSource),
    ...(profiles ? { profiles } : {}),
  });
}

async function countBefore(dataSource: DataSource, entity: string, column: string, cutoffMs: number, extra = ''): Promise<number> {
  return dataSource.getRepository(entity).createQueryBuilder('r').where(`r.${column} < :cutoff ${extra}`, { cutoff: cutoffMs }).getCount();
}

describe.each(STORAGE_DIALECTS)('G5 retention, embedded log + %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let pipeline: EmbeddedPipeline;
  let log: EmbeddedEventLog;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    dataSource = database.dataSource();
    // A snapshot (and with it a commit) after every batch, stamped by the test's clock.
    pipeline = await startEmbeddedPipeline({ dataSource, partitions: PARTITIONS, snapshotEveryEvents: 1, clock: () => clock.now() });
    log = pipeline.log;
  });

  afterAll(() => pipeline.close());

  it(`leaves 0 records beyond retention after each of ${WAVES_AT_DAYS.length} clock jumps, and keeps everything younger`, async () => {
    const identities = new IdentityRepository(dataSource);
    const index = new EventIndexRepository(dataSource);
    const reviewCases = new ReviewCaseRepository(dataSource);
    const traces = new TriggerTraceRepository(dataSource);
    const audit = new RecordingAuditTrail();
    const job = new RetentionJob({ policy, audit, clock, targets: retentionTargets(dataSource, log, pipeline.worker) });
    // An open review case is never aged out: its window counts from a decision that has not been made.
    await reviewCases.insert({ ...decidedCase('open-0', T0), status: 'open', decidedBy: null, decidedAtMs: null, outcome: null });

    const seeded: { atMs: number; eventIds: string[] }[] = [];
    const reports: RetentionRunReport[] = [];
    for (const [wave, days] of WAVES_AT_DAYS.entries()) {
      clock.set(T0 + days * DAY_MS);
      const now = clock.now();
      const waveCustomers = wave === 0 ? customers : activeCustomers;
      const events = waveCustomers.map((c) => login(`w${wave}-${c}`, c, now));
      await log.append(events);
      await pipeline.drained();
      await index.record(events.map((e, i) => ({ eventId: e.id, customerId: e.customerId, type: e.type, partition: partitionForCustomer(e.customerId, PARTITIONS), offset: i, receivedAtMs: now, storedAtMs: now })));
      await identities.park(
        Array.from({ length: 3 }, (_, i) => ({ event: { ...login(`parked-${wave}-${i}`, 'x', now), customerId: undefined }, ref: { kind: 'deviceId' as const, value: `dev-${wave}-${i}` } })),
      );
      await reviewCases.insert(decidedCase(`case-${wave}`, now));
      await traces.append(events.slice(0, 2).map((e) => ({ eventId: e.id, partition: 0, stage: 'triggers_evaluated', at: null, detail: '{}', recordedAtMs: now })));
      seeded.push({ atMs: now, eventIds: events.map((e) => e.id) });

      const report = await job.runNow();
      reports.push(report);
      await expectNothingBeyondRetention(now, seeded);
    }

    // Every window of the policy was crossed at least once, and something was deleted under each.
    for (const category of ['raw_events', 'parked_events', 'event_index', 'trigger_traces', 'profiles', 'snapshots', 'review_cases'] as const) {
      expect(reports.at(-1)!.categories.find((c) => c.category === category)!.status).toBe('enforced');
      const deleted = reports.flatMap((r) => r.categories.filter((c) => c.category === category).flatMap((c) => c.stores.map((s) => s.deleted)));
      expect(deleted.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
    // Audit: a floor of at least six months that the job reports and never acts on; its own records all remain.
    expect(policy.policy.categories.audit.days).toBeGreaterThanOrEqual(AUDIT_MINIMUM_DAYS);
    expect(reports.every((r) => r.categories.find((c) => c.category === 'audit')!.status === 'minimum_only')).toBe(true);
    expect(audit.ofKind('retention_enforced')).toHaveLength(WAVES_AT_DAYS.length);
    await expect(reviewCases.find('open-0')).resolves.toEqual(expect.objectContaining({ status: 'open' }));
  });

  async function expectNothingBeyondRetention(now: number, seeded: readonly { atMs: number; eventIds: string[] }[]): Promise<void> {
    const cutoff = (category: RetentionCategory) => now - windowMs(category);
    // Embedded log: exactly the events of the waves inside the raw-event window remain.
    const remaining: string[] = [];
    for (let p = 0; p < PARTITIONS; p++) remaining.push(...(await log.read(p, 0, 1_000_000)).map((r) => r.event.id));
    const expected = seeded.filter((w) => w.atMs >= cutoff('raw_events')).flatMap((w) => w.eventIds);
    expect(remaining.sort()).toEqual(expected.sort());

    await expect(countBefore(dataSource, 'ParkedEvent', 'receivedAtMs', cutoff('parked_events'))).resolves.toBe(0);
    await expect(countBefore(dataSource, 'EventIndex', 'receivedAtMs', cutoff('event_index'))).resolves.toBe(0);
    await expect(countBefore(dataSource, 'ReviewCase', 'decidedAtMs', cutoff('review_cases'), "AND r.status = 'decided'")).resolves.toBe(0);
    const youngParked = seeded.filter((w) => w.atMs >= cutoff('parked_events')).length * 3;
    await expect(dataSource.getRepository('ParkedEvent').count()).resolves.toBe(youngParked);
    await expect(countBefore(dataSource, 'TriggerTrace', 'recordedAtMs', cutoff('trigger_traces'))).resolves.toBe(0);
    await expect(dataSource.getRepository('TriggerTrace').count()).resolves.toBe(seeded.filter((w) => w.atMs >= cutoff('trigger_traces')).length * 2);
    const youngCases = seeded.filter((w) => w.atMs >= cutoff('review_cases')).length;
    await expect(countBefore(dataSource, 'ReviewCase', 'decidedAtMs', Number.MAX_SAFE_INTEGER)).resolves.toBe(youngCases);

    // Snapshots: beyond the window only the newest valid snapshot of a partition may remain.
    const headers = await new SnapshotRetentionRepository(dataSource).headers();
    for (const old of headers.filter((h) => h.createdAtMs < cutoff('snapshots'))) {
      const newestOfPartition = headers.filter((h) => h.partition === old.partition).reduce((a, b) => (a.offset > b.offset ? a : b));
      expect(old).toEqual(newestOfPartition);
    }
    if (now - T0 > windowMs('snapshots')) {
      // The idle partition's first snapshot is its newest until its customers turn dormant: the worker then forgets
      // them and rewrites the snapshot at the same offset without them.
      const rewrittenAtMs = T0 + WAVES_AT_DAYS.find((days) => days * DAY_MS > windowMs('profiles'))! * DAY_MS;
      const idle = headers.filter((h) => h.partition === IDLE_PARTITION);
      expect(idle).toEqual([expect.objectContaining({ createdAtMs: now - T0 > windowMs('profiles') ? rewrittenAtMs : T0 })]);
    }
    // Profiles: no customer whose last event is older than the window is left in any partition.
    for (const partition of pipeline.worker.ownedPartitions()) {
      expect(dormantProfiles(pipeline.worker.store(partition)!, cutoff('profiles')).customerIds).toEqual([]);
    }
    expect(pipeline.worker.store(IDLE_PARTITION)!.size).toBe(now - T0 > windowMs('profiles') ? 0 : idleCustomers.length);
  }

  it('holds back raw events a restore would need when the newest snapshot is corrupt, and lets them go once a valid one exists', async () => {
    const snapshots = new PartitionSnapshotRepository(dataSource);
    const retentionSnapshots = new SnapshotRetentionRepository(dataSource);
    const job = new RetentionJob({ policy, audit: new RecordingAuditTrail(), clock, targets: retentionTargets(dataSource, log, pipeline.worker) });
    const customer = activeCustomers[0];
    const partition = partitionForCustomer(customer, PARTITIONS);
    const start = clock.now() + DAY_MS;
    clock.set(start);
    for (let i = 0; i < 3; i++) {
      await log.append([login(`corrupt-${i}`, customer, start)]);
      await pipeline.drained();
    }
    const [newest, previous] = await snapshots.newestFirst(partition);
    await snapshots.overwriteData(partition, newest.offset, new Uint8Array([1, 2, 3]));

    clock.set(start + windowMs('raw_events') + DAY_MS);
    const held = await job.runNow();
    const raw = held.categories.find((c) => c.category === 'raw_events')!.stores[0];
    expect(raw.heldBack).toBe(1);
    // The record after the newest valid snapshot is still there; the corrupt snapshot went, the valid one stayed.
    await expect(log.read(partition, previous.offset + 1, 10)).resolves.toEqual([expect.objectContaining({ offset: newest.offset })]);
    expect((await retentionSnapshots.headers()).filter((h) => h.partition === partition).map((h) => h.offset)).toEqual([previous.offset]);

    await log.append([login('corrupt-heal', customer, clock.now())]);
    await pipeline.drained();
    const healed = await job.runNow();
    expect(healed.categories.find((c) => c.category === 'raw_events')!.stores[0]).toEqual(expect.objectContaining({ deleted: 1, heldBack: 0 }));
    await expect(log.readCustomer(customer)).resolves.toEqual([expect.objectContaining({ event: expect.objectContaining({ id: 'corrupt-heal' }) })]);
  });
});

describe('G5 retention, Kafka topic against a real broker', () => {
  const database = useFreshDatabase('sqlite');
  let broker: { brokers: string[]; stop: () => Promise<void> };
  let log: EventLog;
  const topic = `kairos.test.g5.${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    broker = await ensureKafkaBroker();
    log = await KafkaEventLog.open({ brokers: broker.brokers, topic, partitionCount: 2, eventIdIndex: new EventIndexRepository(database.dataSource()) });
  }, 120_000);

  afterAll(async () => {
    await log?.close();
    await broker?.stop();
  }, 60_000);

  it("sets the topic's retention.ms to the policy (read back through the admin API) and ages the event index out", async () => {
    const dataSource = database.dataSource();
    // Relative to the real time: a 4.x broker refuses record timestamps more than an hour ahead of its clock.
    const start = Date.now() - windowMs('event_index') - 5 * DAY_MS;
    const clock = new ManualClock(start);
    const job = new RetentionJob({
      policy,
      audit: new RecordingAuditTrail(),
      clock,
      targets: retentionTargets(dataSource, log),
    });
    await log.append(customers.map((c) => login(`k-old-${c}`, c, start)));
    clock.advance(windowMs('event_index') + DAY_MS);
    await log.append(customers.map((c) => login(`k-new-${c}`, c, clock.now())));

    const report = await job.runNow();
    expect(report.categories.find((c) => c.category === 'raw_events')).toEqual(
      expect.objectContaining({ status: 'enforced', stores: [expect.objectContaining({ detail: expect.objectContaining({ [`retention.ms:${topic}`]: windowMs('raw_events') }) })] }),
    );
    const admin = new Kafka({ clientId: 'g5-check', brokers: broker.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        resources: [topic, `${topic}.dlq`].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
        includeSynonyms: false,
      });
      expect(resources.map((r) => [r.resourceName, r.configEntries[0].configValue])).toEqual([
        [topic, String(windowMs('raw_events'))],
        [`${topic}.dlq`, String(windowMs('raw_events'))],
      ]);
    } finally {
      await admin.disconnect();
    }
    await expect(countBefore(dataSource, 'EventIndex', 'receivedAtMs', clock.now() - windowMs('event_index'))).resolves.toBe(0);
    await expect(dataSource.getRepository('EventIndex').count()).resolves.toBe(customers.length);
  });
});

function decidedCase(id: string, decidedAtMs: number) {
  return {
    id,
    customerId: idleCustomers[0] ?? 'cust-0',
    decisionId: `d-${id}`,
    statement: null,
    status: 'decided' as const,
    outcome: 'upheld',
    openedBy: 'p-opener',
    openedAtMs: decidedAtMs - 1_000,
    reviewerId: 'p-reviewer',
    reviewStartedAtMs: decidedAtMs - 500,
    decidedBy: 'p-reviewer',
    decidedAtMs,
    decisionNote: null,
    version: 3,
  };
}
