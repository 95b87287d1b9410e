import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { CampaignSendRepository, type SendClaimBatch, type SendClose } from './campaign-send.repository';

const HOUR = 3_600_000;

type ClaimFields = Partial<Omit<SendClaimBatch, 'customers'>> & { readonly partition?: number };

/** One customer's claim (the job claims batches; most cases here are about one row). */
const batchOf = (campaignId: string, customerIds: readonly string[], fields: ClaimFields = {}): SendClaimBatch => ({
  campaignId,
  version: 1,
  customers: customerIds.map((customerId) => ({ customerId, partition: fields.partition ?? 2 })),
  maxAudience: null,
  nowMs: 10 * HOUR,
  retryExcludedAfterMs: 24 * HOUR,
  pendingLeaseMs: HOUR,
  decisionIdOf: (customerId, attempt) => `cmp-${campaignId}-${customerId}-${attempt}`,
  ...fields,
});
const claim = async (sends: CampaignSendRepository, campaignId: string, customerId: string, fields: ClaimFields = {}) => (await sends.begin(batchOf(campaignId, [customerId], fields))).get(customerId);
const close = (sends: CampaignSendRepository, campaignId: string, customerId: string, decisionId: string, status: SendClose['status'], reason: string | null, nowMs: number, version = 1) =>
  sends.finish({ campaignId, version }, [{ customerId, decisionId, status, reason }], nowMs);
const excludeOne = (sends: CampaignSendRepository, campaignId: string, customerId: string, reason: string, nowMs: number) => sends.exclude({ campaignId, version: 1 }, [{ customerId, partition: 2, reason }], nowMs);

describe.each(STORAGE_DIALECTS)('campaign sends on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let sends: CampaignSendRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    sends = new CampaignSendRepository(dataSource);
  });

  it('has no drift between the campaign-send migration and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('lets one of two processes send to a customer, once per campaign version, and a crashed send resume under its decision id', async () => {
    const other = new CampaignSendRepository(dataSource);
    const [first, second] = await Promise.all([claim(sends, 'autumn', 'c-1'), claim(other, 'autumn', 'c-1')]);
    expect([first?.kind, second?.kind].sort()).toEqual(['go', 'wait']);
    // Still pending inside the lease: nobody else starts it; after the lease it resumes with the SAME decision id.
    await expect(claim(sends, 'autumn', 'c-1', { nowMs: 10 * HOUR + 1 })).resolves.toEqual({ kind: 'wait' });
    await expect(claim(other, 'autumn', 'c-1', { nowMs: 12 * HOUR })).resolves.toEqual({ kind: 'go', decisionId: 'cmp-autumn-c-1-1' });
    await close(sends, 'autumn', 'c-1', 'cmp-autumn-c-1-1', 'sent', null, 12 * HOUR);
    // Sent is final: a restart, another process or a later run of the same version does nothing.
    await expect(claim(new CampaignSendRepository(dataSource), 'autumn', 'c-1', { nowMs: 100 * HOUR })).resolves.toEqual({ kind: 'done' });
    // A new version is a new occasion.
    await expect(claim(sends, 'autumn', 'c-1', { version: 2 })).resolves.toEqual({ kind: 'go', decisionId: 'cmp-autumn-c-1-1' });
    expect([...(await sends.statesOn({ campaignId: 'autumn', version: 1 }, [2])).keys()]).toEqual(['c-1']);
    await expect(sends.statesOn({ campaignId: 'autumn', version: 1 }, [3])).resolves.toEqual(new Map());
  });

  it('looks at an excluded customer again after the retry delay, under a new decision id', async () => {
    await expect(claim(sends, 'winter', 'c-2')).resolves.toEqual({ kind: 'go', decisionId: 'cmp-winter-c-2-1' });
    await close(sends, 'winter', 'c-2', 'cmp-winter-c-2-1', 'excluded', 'cap:3/7d', 10 * HOUR);
    // A late close of a superseded attempt changes nothing.
    await close(sends, 'winter', 'c-2', 'cmp-winter-c-2-9', 'sent', null, 10 * HOUR);
    await expect(claim(sends, 'winter', 'c-2', { nowMs: 20 * HOUR })).resolves.toEqual({ kind: 'wait' });
    await expect(claim(sends, 'winter', 'c-2', { nowMs: 40 * HOUR })).resolves.toEqual({ kind: 'go', decisionId: 'cmp-winter-c-2-2' });
    await excludeOne(sends, 'winter', 'c-3', 'objection:profiling', 10 * HOUR);
    // An exclusion found before any decision never overwrites a send in flight.
    await excludeOne(sends, 'winter', 'c-2', 'objection:profiling', 41 * HOUR);
    await expect(sends.countsOf('winter')).resolves.toEqual([{ campaignId: 'winter', version: 1, sent: 0, heldOut: 0, pending: 1, excluded: { 'objection:profiling': 1 }, audienceClaimed: null }]);
  });

  it('never claims more audience slots than maxAudience, however many processes claim batches at once, and gives back those of exclusions', async () => {
    const writers = Array.from({ length: 4 }, () => new CampaignSendRepository(dataSource));
    // Overlapping batches (every writer also asks for two shared customers), as during a partition move.
    const batches = await Promise.all(writers.map((writer, w) => writer.begin(batchOf('capped', [...Array.from({ length: 6 }, (_, i) => `w${w}-${i}`), 'shared-1', 'shared-2'], { maxAudience: 10 }))));
    const claims = batches.flatMap((batch) => [...batch.values()]);
    expect(claims.filter((c) => c.kind === 'go')).toHaveLength(10);
    // A customer in several batches is claimed (or found full) by one of them; the others wait.
    for (const shared of ['shared-1', 'shared-2']) expect(batches.map((batch) => batch.get(shared)?.kind).filter((kind) => kind !== 'wait')).toHaveLength(1);
    const started = (await dataSource.getRepository('CampaignSend').find({ where: { campaignId: 'capped', status: 'pending' }, order: { customerId: 'ASC' } })) as { customerId: string; decisionId: string }[];
    expect(started).toHaveLength(10);
    const [excluded, held, ...sent] = started;
    await sends.finish(
      { campaignId: 'capped', version: 1 },
      [
        { customerId: excluded!.customerId, decisionId: excluded!.decisionId, status: 'excluded', reason: 'consent_missing:marketing:email' },
        { customerId: held!.customerId, decisionId: held!.decisionId, status: 'held_out', reason: null },
        ...sent.map((row) => ({ customerId: row.customerId, decisionId: row.decisionId, status: 'sent' as const, reason: null })),
      ],
      11 * HOUR,
    );
    // The freed slot goes to the next customer; then the campaign is full again.
    await expect(claim(sends, 'capped', 'late-1', { maxAudience: 10 })).resolves.toMatchObject({ kind: 'go' });
    await expect(claim(sends, 'capped', 'late-2', { maxAudience: 10 })).resolves.toEqual({ kind: 'full' });
    const [counts] = await sends.countsOf('capped');
    expect(counts).toMatchObject({ sent: 8, heldOut: 1, pending: 1, audienceClaimed: 10 });
    expect(counts!.excluded['consent_missing:marketing:email']).toBe(1);
    // 26 distinct customers asked for 10 slots (16 found the campaign full), then late-2 after the freed slot went.
    expect(counts!.excluded['campaign_full:max_audience']).toBe(17);
  });

  it('forgets an erased customer’s sends', async () => {
    await excludeOne(sends, 'erasure', 'gone-1', 'objection:profiling', HOUR);
    await expect(sends.forget(['gone-1'])).resolves.toBe(1);
    await expect(sends.countsOf('erasure')).resolves.toEqual([]);
  });
});
