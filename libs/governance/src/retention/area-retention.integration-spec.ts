/**
 * G5 for the stores the areas own: content drafts, the consent ledger and the partition workers' profiles. The clock
 * is moved past each window; what the policy lets go is gone, and what it keeps (approved content, consents in force,
 * active customers, customers whose profile carries a withdrawal or objection) is untouched.
 */
import type { DataSource } from 'typeorm';
import { ConsentChannel, ConsentPurpose, CustomerEvent, EventData, EventType, LoggedEvent, partitionForCustomer } from '@kairos/contracts';
import { PartitionStateExtension, decodePartitionSnapshot } from '@kairos/customer-state';
import { ConsentLedgerEntry, ConsentLedgerRepository, ContentDraftRepository, ContentDraftSummary, PartitionSnapshotRepository } from '@kairos/persistence';
import { decodeSnapshot, defaultFeatureRegistry, profileAttributes, profileOf } from '@kairos/profile';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { consentStateOfLedger } from '../consent/consent-ledger.service';
import { RecordingAuditTrail } from './audit-trail-test-support';
import { EmbeddedPipeline, startEmbeddedPipeline } from './embedded-pipeline-test-support';
import { ManualClock } from './retention-clock';
import { loadRetentionPolicyFile } from './retention-policy.loader';
import { DAY_MS, RetentionCategory } from './retention-policy.schema';
import { DormantProfileRetentionTarget } from './dormant-profile-retention.target';
import { TableRetentionTarget } from './table-retention.target';
import { RetentionJob, RetentionRunReport } from './retention.job';

const T0 = Date.UTC(2026, 0, 1);
const day = (n: number) => T0 + n * DAY_MS;
const policy = loadRetentionPolicyFile();
const windowMs = (category: RetentionCategory) => policy.retentionMs(category);
const storeOf = (report: RetentionRunReport, category: RetentionCategory) => {
  const found = report.categories.find((c) => c.category === category)!;
  expect(found.status).toBe('enforced');
  return found.stores[0];
};

function deferred(): { readonly promise: Promise<void>; readonly resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A per-customer partition extension like the triggers' (counts, timers): the customers whose events it saw. */
class CustomersSeen implements PartitionStateExtension {
  readonly name = 'customers-seen';
  private readonly byPartition = new Map<number, Set<string>>();

  restore(partition: number, data: Uint8Array | null): void {
    const ids = data === null ? [] : (JSON.parse(Buffer.from(data).toString('utf8')) as string[]);
    this.byPartition.set(partition, new Set(ids));
  }

  capture(partition: number): Uint8Array {
    return Buffer.from(JSON.stringify([...(this.byPartition.get(partition) ?? [])]), 'utf8');
  }

  release(partition: number): void {
    this.byPartition.delete(partition);
  }

  forgetCustomers(partition: number, customerIds: readonly string[]): void {
    for (const customerId of customerIds) this.byPartition.get(partition)?.delete(customerId);
  }

  record(partition: number, records: readonly LoggedEvent[]): void {
    for (const record of records) this.byPartition.get(partition)?.add(record.event.customerId);
  }

  customers(): string[] {
    return [...this.byPartition.values()].flatMap((ids) => [...ids]).sort();
  }
}

describe.each(STORAGE_DIALECTS)('G5 retention of the areas, %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;

  beforeAll(() => {
    dataSource = database.dataSource();
  });

  describe('drafts', () => {
    /** Journal steps → status of the queue row, as the review decider would leave it. */
    const STATUS_AFTER: Record<string, string> = {
      draft_created: 'draft',
      revision_added: 'draft',
      submitted: 'in_review',
      approved: 'approved',
      changes_requested: 'changes_requested',
      rejected: 'rejected',
      retired: 'retired',
    };

    async function storeDraft(drafts: ContentDraftRepository, draftId: string, steps: readonly (readonly [type: string, atDay: number])[]): Promise<void> {
      const events = steps.map(([type, atDay]) => ({ type, actorId: 'p-editor', atMs: day(atDay), payload: JSON.stringify({ type, atMs: day(atDay) }) }));
      const [lastType, lastDay] = steps[steps.length - 1];
      const everApproved = steps.some(([type]) => type === 'approved');
      const live = everApproved && lastType === 'approved';
      const summary: ContentDraftSummary = {
        draftId,
        title: `Draft ${draftId}`,
        status: STATUS_AFTER[lastType],
        language: 'de',
        channels: 'email',
        product: 'credit_card',
        campaignId: null,
        customerId: null,
        authorId: 'p-editor',
        requesterId: null,
        lastEditorId: 'p-editor',
        headRevision: 1,
        headHash: `sha256:${draftId}`,
        blockingFindings: 0,
        warningFindings: 0,
        generatorKind: 'llm',
        modelId: 'model-x',
        promptVersion: 'p1',
        liveRevision: live ? 1 : null,
        liveHash: live ? `sha256:${draftId}` : null,
        liveApprovedAtMs: live ? day(lastDay) : null,
        liveValidUntilMs: live ? day(lastDay + 3_650) : null,
        createdAtMs: day(steps[0][1]),
        updatedAtMs: day(lastDay),
        version: events.length,
      };
      await drafts.append(draftId, 0, events, summary);
    }

    it('deletes never-approved drafts a year after their last change and keeps every draft that was ever approved', async () => {
      const drafts = new ContentDraftRepository(dataSource);
      const created = ['draft_created', 0] as const;
      const kept = {
        'approved-live': [created, ['submitted', 1], ['approved', 2]],
        'approved-retired': [created, ['submitted', 1], ['approved', 2], ['retired', 5]],
        'approved-then-rejected': [created, ['submitted', 1], ['approved', 2], ['revision_added', 3], ['submitted', 4], ['rejected', 5]],
      } as const;
      const aged = {
        'rejected-old': [created, ['submitted', 1], ['rejected', 2]],
        'abandoned-old': [created],
        'in-review-old': [created, ['submitted', 3]],
      } as const;
      const young = { 'rejected-young': [['draft_created', 200], ['submitted', 201], ['rejected', 202]] } as const;
      // Untouched for a while, then edited again: the window counts from the last change.
      const revived = { revived: [created, ['revision_added', 390]] } as const;
      for (const [draftId, steps] of Object.entries({ ...kept, ...aged, ...young, ...revived })) await storeDraft(drafts, draftId, steps);
      const keptJournals = await Promise.all(Object.keys(kept).map((draftId) => drafts.journal(draftId)));

      const clock = new ManualClock(day(400));
      const job = new RetentionJob({
        policy,
        audit: new RecordingAuditTrail(),
        clock,
        targets: [new TableRetentionTarget('drafts', 'content_drafts', async (cutoff) => {
          const outcome = await drafts.deleteNeverApprovedUnchangedBefore(cutoff);
          return { deleted: outcome.deleted, heldBack: outcome.heldBack, detail: { journalEvents: outcome.journalEventsDeleted } };
        })],
      });
      expect(clock.now() - windowMs('drafts')).toBeGreaterThan(day(5));

      const first = await job.runNow();
      expect(storeOf(first, 'drafts')).toEqual({ store: 'content_drafts', deleted: 3, heldBack: 3, detail: { journalEvents: 6 } });
      for (const draftId of Object.keys(aged)) {
        await expect(drafts.summary(draftId)).resolves.toBeNull();
        await expect(drafts.journal(draftId)).resolves.toEqual([]);
      }
      // Approved content keeps its queue row and its whole journal (the revision a decision's audit record names).
      await expect(Promise.all(Object.keys(kept).map((draftId) => drafts.journal(draftId)))).resolves.toEqual(keptJournals);
      await expect(drafts.summary('rejected-young')).resolves.toEqual(expect.objectContaining({ status: 'rejected' }));
      await expect(drafts.summary('revived')).resolves.toEqual(expect.objectContaining({ status: 'draft' }));

      clock.set(day(202) + windowMs('drafts') + DAY_MS);
      const second = await job.runNow();
      expect(storeOf(second, 'drafts')).toEqual(expect.objectContaining({ deleted: 1, heldBack: 3 }));
      await expect(drafts.summary('rejected-young')).resolves.toBeNull();
      await expect(drafts.summary('revived')).resolves.not.toBeNull();

      clock.set(day(390) + windowMs('drafts') + DAY_MS);
      expect(storeOf(await job.runNow(), 'drafts')).toEqual(expect.objectContaining({ deleted: 1, heldBack: 3 }));
      const keptEvents = keptJournals.reduce((n, journal) => n + journal.length, 0);
      await expect(drafts.counts()).resolves.toEqual({ drafts: Object.keys(kept).length, events: keptEvents });
    });
  });

  describe('consent records', () => {
    interface Change {
      readonly id: string;
      readonly customerId: string;
      readonly kind?: 'consent' | 'objection';
      readonly purpose?: ConsentPurpose;
      readonly channel?: ConsentChannel | null;
      readonly status?: 'given' | 'withdrawn' | 'refused';
      /** null: recorded, not yet in the log. */
      readonly offset: number | null;
      readonly atDay: number;
      readonly audited?: boolean;
    }

    async function record(ledger: ConsentLedgerRepository, change: Change): Promise<void> {
      const objection = change.kind === 'objection';
      await ledger.record([
        {
          entryId: change.id,
          kind: objection ? 'objection' : 'consent',
          customerId: change.customerId,
          eventId: `evt-${change.id}`,
          purpose: objection ? null : (change.purpose ?? 'marketing'),
          channel: objection ? null : (change.channel ?? null),
          status: objection ? null : (change.status ?? 'given'),
          method: objection ? null : 'app',
          scope: objection ? 'direct_marketing' : null,
          capturedAtMs: day(change.atDay),
          noticeId: objection ? null : 'privacy-notice',
          noticeVersion: objection ? null : '1.0',
          evidenceRef: objection ? null : `ev-${change.id}`,
          recordedAtMs: day(change.atDay),
          recordedBy: 'p-agent',
          recordedByRole: 'agent',
        },
      ]);
      if (change.offset === null) return;
      await ledger.markPublished([{ entryId: change.id, partition: 0, offset: change.offset }], day(change.atDay));
      if (change.audited !== false) await ledger.markAudited([change.id], day(change.atDay));
    }


    it('deletes a consent four years after it stopped applying and never touches the state in force or its proof', async () => {
      const ledger = new ConsentLedgerRepository(dataSource);
      const changes: Change[] = [
        { id: 'c1-mkt-given', customerId: 'c1', offset: 1, atDay: 0 },
        { id: 'c1-mkt-withdrawn', customerId: 'c1', status: 'withdrawn', offset: 5, atDay: 10 },
        { id: 'c1-mkt-given-again', customerId: 'c1', offset: 9, atDay: 1_000 },
        // Channel scopes are separate consents: the any-channel changes above never supersede this one.
        { id: 'c1-mkt-email', customerId: 'c1', channel: 'email', offset: 2, atDay: 0 },
        { id: 'c1-objection', customerId: 'c1', kind: 'objection', offset: 3, atDay: 0 },
        // A successor recorded but not yet in the log: the refusal is still in force.
        { id: 'c1-prof-refused', customerId: 'c1', purpose: 'profiling', status: 'refused', offset: 6, atDay: 0 },
        { id: 'c1-prof-pending', customerId: 'c1', purpose: 'profiling', offset: null, atDay: 1 },
        // Superseded, but its audit record is not written yet: the outbox still needs the entry.
        { id: 'c1-ana-unaudited', customerId: 'c1', purpose: 'analytics', offset: 7, atDay: 0, audited: false },
        { id: 'c1-ana-withdrawn', customerId: 'c1', purpose: 'analytics', status: 'withdrawn', offset: 8, atDay: 1 },
        // Another customer's consent, older in the log than c1's changes of the same purpose: still in force.
        { id: 'c2-mkt-given', customerId: 'c2', offset: 0, atDay: 0 },
      ];
      for (const change of changes) await record(ledger, change);
      const before = { c1: consentStateOfLedger(await ledger.ofCustomer('c1')), c2: consentStateOfLedger(await ledger.ofCustomer('c2')) };
      const inForce = ['c1-mkt-given-again', 'c1-mkt-email', 'c1-objection', 'c1-prof-refused', 'c1-ana-withdrawn', 'c2-mkt-given'];
      const proofs = await Promise.all(inForce.map((id) => ledger.find(id)));

      const clock = new ManualClock(day(9));
      const job = new RetentionJob({
        policy,
        audit: new RecordingAuditTrail(),
        clock,
        targets: [new TableRetentionTarget('consent_records', 'consent_ledger', (cutoff) => ledger.deleteSupersededBefore(cutoff))],
      });
      const remaining = async () => (await dataSource.getRepository<ConsentLedgerEntry>('ConsentLedgerEntry').find()).map((e) => e.entryId).sort();
      const all = changes.map((c) => c.id).sort();

      // One day before the first withdrawal is four years old: nothing goes.
      clock.set(day(10) + windowMs('consent_records') - DAY_MS);
      expect(storeOf(await job.runNow(), 'consent_records')).toEqual(expect.objectContaining({ deleted: 0 }));
      await expect(remaining()).resolves.toEqual(all);

      clock.set(day(10) + windowMs('consent_records') + DAY_MS);
      const first = await job.runNow();
      // In force and recorded before the cutoff: every entry named in `inForce` except the one given on day 1,000.
      expect(storeOf(first, 'consent_records')).toEqual({ store: 'consent_ledger', deleted: 1, heldBack: 4 });
      await expect(remaining()).resolves.toEqual(all.filter((id) => id !== 'c1-mkt-given'));

      clock.set(day(1_000) + windowMs('consent_records') + DAY_MS);
      expect(storeOf(await job.runNow(), 'consent_records')).toEqual(expect.objectContaining({ deleted: 1 }));
      await expect(remaining()).resolves.toEqual(all.filter((id) => id !== 'c1-mkt-given' && id !== 'c1-mkt-withdrawn'));

      // Decades later: the state in force, and every entry that proves it, are exactly as before.
      clock.set(day(20_000));
      expect(storeOf(await job.runNow(), 'consent_records')).toEqual(expect.objectContaining({ deleted: 0 }));
      expect({ c1: consentStateOfLedger(await ledger.ofCustomer('c1')), c2: consentStateOfLedger(await ledger.ofCustomer('c2')) }).toEqual(before);
      await expect(Promise.all(inForce.map((id) => ledger.find(id)))).resolves.toEqual(proofs);
      await expect(ledger.find('c1-prof-pending')).resolves.toEqual(expect.objectContaining({ logOffset: null }));
      await expect(ledger.find('c1-ana-unaudited')).resolves.toEqual(expect.objectContaining({ auditedAtMs: null }));
    });
  });

  describe('profiles', () => {
    const PARTITIONS = 2;
    const clock = new ManualClock(T0);
    const seen = new CustomersSeen();
    let pipeline: EmbeddedPipeline;

    beforeAll(async () => {
      pipeline = await startEmbeddedPipeline({ dataSource, partitions: PARTITIONS, snapshotEveryEvents: 1, clock: () => clock.now(), extensions: [seen] });
      pipeline.worker.onApplied((partition, records) => seen.record(partition, records));
    });

    afterAll(() => pipeline.close());

    let sequence = 0;
    function eventOf<T extends EventType>(customerId: string, type: T, data: EventData<T>, atMs = clock.now()): CustomerEvent<T> {
      return { id: `evt-${++sequence}`, type, customerId, occurredAt: new Date(atMs).toISOString(), occurredAtMs: atMs, receivedAtMs: atMs, source: 'test', data };
    }
    const login = (customerId: string) => eventOf(customerId, 'login', { channel: 'web' });
    const consent = (customerId: string, status: 'given' | 'withdrawn', channel?: ConsentChannel) =>
      eventOf(customerId, 'consent_changed', {
        consentId: `consent-${customerId}`,
        purpose: 'marketing',
        status,
        method: 'app',
        capturedAt: new Date(clock.now()).toISOString(),
        noticeId: 'privacy-notice',
        noticeVersion: '1.0',
        evidenceRef: `ev-${customerId}`,
        ...(channel ? { channel } : {}),
      });

    const profile = (customerId: string) => {
      const store = pipeline.worker.store(partitionForCustomer(customerId, PARTITIONS))!;
      return profileOf(store, customerId);
    };

    it("forgets dormant customers inside the worker's processing, keeps active ones and those whose profile holds a withdrawal or objection", async () => {
      const job = new RetentionJob({ policy, audit: new RecordingAuditTrail(), clock, targets: [new DormantProfileRetentionTarget(pipeline.worker)] });
      await pipeline.log.append([
        login('active'),
        login('dormant'),
        consent('consent-given', 'given'),
        consent('consent-withdrawn', 'withdrawn', 'email'),
        login('objector'),
        eventOf('objector', 'processing_objected', { requestId: 'obj-1', scope: 'direct_marketing', receivedAt: new Date(clock.now()).toISOString() }),
      ]);
      await pipeline.drained();
      clock.set(day(700));
      await pipeline.log.append([login('active')]);
      await pipeline.drained();

      clock.set(day(0) + windowMs('profiles') - DAY_MS);
      expect(storeOf(await job.runNow(), 'profiles')).toEqual(expect.objectContaining({ deleted: 0, heldBack: 0 }));

      clock.set(day(0) + windowMs('profiles') + DAY_MS);
      const report = await job.runNow();
      // `given` may go (without it consent-based purposes are refused); a withdrawal or an objection may not.
      expect(storeOf(report, 'profiles')).toEqual({ store: 'partition-profiles', deleted: 2, heldBack: 2, detail: { partitions: PARTITIONS } });
      expect(profile('dormant')).toBeUndefined();
      expect(profile('consent-given')).toBeUndefined();
      for (const customerId of ['active', 'consent-withdrawn', 'objector']) expect(profile(customerId)).toBeDefined();
      // The extension's per-customer state went with the profiles.
      expect(seen.customers()).toEqual(['active', 'consent-withdrawn', 'objector']);
      // Counts only: no customer id reaches the audit record.
      expect(JSON.stringify(report)).not.toMatch(/dormant|consent-given|objector/);

      // The newest snapshot of every partition (what a restart restores) holds neither the profile nor the extension's state.
      const snapshots = new PartitionSnapshotRepository(dataSource);
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const [newest] = await snapshots.newestFirst(partition);
        const parts = decodePartitionSnapshot(newest.data);
        const restored = decodeSnapshot(parts.profile, defaultFeatureRegistry());
        expect(restored.customerIds().filter((id) => id === 'dormant' || id === 'consent-given')).toEqual([]);
        expect(Buffer.from(parts.extensions.get(seen.name)!).toString('utf8')).not.toMatch(/dormant|consent-given/);
      }
    });

    it('never loses an event of a dormant customer that the worker folds just before the run reaches the partition', async () => {
      const job = new RetentionJob({ policy, audit: new RecordingAuditTrail(), clock, targets: [new DormantProfileRetentionTarget(pipeline.worker)] });
      const partition = partitionForCustomer('active', PARTITIONS);
      clock.set(day(700) + windowMs('profiles') + DAY_MS);
      // A tick holds the partition, so the returning event and the run queue up behind it, the event first.
      const entered = deferred();
      const gate = deferred();
      let holding = true;
      pipeline.worker.onTick(async (ticked) => {
        if (ticked !== partition || !holding) return;
        entered.resolve();
        await gate.promise;
      });
      const ticking = pipeline.worker.runTicks();
      await entered.promise;
      const returning = login('active');
      const [placed] = await pipeline.log.append([returning]);
      const folding = pipeline.worker.onRecords(partition, [{ partition, offset: placed.offset, event: returning }]);
      // Dormant when the run starts (last event on day 700); the event is folded before the run takes the partition.
      const running = job.runNow();
      holding = false;
      gate.resolve();
      const [report] = await Promise.all([running, folding, ticking]);
      await pipeline.drained();
      expect(profileAttributes(profile('active')!).lastEventAtMs).toBe(returning.occurredAtMs);
      expect(seen.customers()).toContain('active');
      expect(storeOf(report, 'profiles')).toEqual(expect.objectContaining({ deleted: 0, heldBack: 2 }));
    });
  });
});
