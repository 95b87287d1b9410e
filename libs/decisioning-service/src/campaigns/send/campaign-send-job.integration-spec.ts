import { KairosError } from '@kairos/contracts';
import { LiveActionCatalog, compileAuthoredCampaign, loadActionCatalogFile, type DecisionOutcome, type DecisionRequest } from '@kairos/decisioning';
import { createLogger } from '@kairos/observability';
import { CampaignSendRepository } from '@kairos/persistence';
import type { PartitionProfileStore } from '@kairos/profile';
import { STORAGE_DIALECTS, authoredCampaign, useFreshDatabase } from '@kairos/testing';
import type { ActionSink, DecisionMaker } from '../../decision-sources';
import type { AudienceVerdict } from './campaign-audience';
import { CampaignSendJob, campaignSendDecisionId, type CampaignSendJobOptions, type CampaignSendStore } from './campaign-send-job';

const CAMPAIGN = 'job-spring-mail';
const CRASHED = 'job-crash-mail';
const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const MINUTE = 60_000;

/** What the scripted decision core answers per customer: served, held out, suppressed with a reason, or an error. */
type Script = Record<string, 'sent' | 'control' | { reason: string } | KairosError>;

function scriptedDecisions(script: Script, asked: DecisionRequest[]): DecisionMaker {
  return {
    async decideOwned(request) {
      asked.push(request);
      const answer = script[request.customerId] ?? 'sent';
      const campaignId = request.actions?.[0] ?? CAMPAIGN;
      if (answer instanceof KairosError) throw answer;
      const base = { decisionId: request.decisionId, customerId: request.customerId, decidedAtMs: request.nowMs, actions: [], holdouts: [], suppressed: [] };
      if (answer === 'sent') return { ...base, actions: [{ actionId: campaignId, channel: 'email' }] } as unknown as DecisionOutcome;
      if (answer === 'control') return { ...base, holdouts: [{ campaignId, actionId: campaignId }], suppressed: [{ actionId: campaignId, reasons: [`control_group:${campaignId}`] }] } as unknown as DecisionOutcome;
      return { ...base, suppressed: [{ actionId: campaignId, reasons: [answer.reason, 'other'] }] } as unknown as DecisionOutcome;
    },
  };
}

/**
 * The send job over the real send ledger with a scripted decision core: it runs a campaign once right after it
 * became active and then every interval, only inside the campaign's window, and a send interrupted by a partition
 * move or a crash is finished later under the same decision id (so the outbox keeps one message).
 */
describe.each(STORAGE_DIALECTS)('the campaign send job on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  const base = loadActionCatalogFile();

  function setUp(campaign: Record<string, unknown>, customers: Record<string, AudienceVerdict['kind']>, script: Script = {}, sends?: CampaignSendStore) {
    const live = new LiveActionCatalog(base);
    live.install([{ ...compileAuthoredCampaign(authoredCampaign({ id: CAMPAIGN, ...campaign }), { catalog: base, isFeature: () => true }), version: 1 }]);
    const clock = { now: T0 };
    const asked: DecisionRequest[] = [];
    const emitted: string[] = [];
    const actions: ActionSink = { emit: async (outcomes) => void emitted.push(...outcomes.map((o) => o.decisionId)) };
    const store = { customerIds: () => Object.keys(customers) } as unknown as PartitionProfileStore;
    const options: CampaignSendJobOptions = {
      live,
      partitions: { ownedPartitions: () => [0], store: () => store },
      audience: { verdict: (_store, customerId) => (customers[customerId] === 'excluded' ? { kind: 'excluded', reason: 'consent_missing:marketing:email' } : { kind: customers[customerId] ?? 'outside' }) as AudienceVerdict },
      decisions: scriptedDecisions(script, asked),
      actions,
      sends: sends ?? new CampaignSendRepository(database.dataSource()),
      logger: createLogger({ level: 'silent' }),
      clock: () => clock.now,
      intervalMs: 10 * MINUTE,
      pendingLeaseMs: 5 * MINUTE,
      // Small batches: runs here cross batch boundaries inside a partition.
      batchSize: 2,
    };
    return { job: new CampaignSendJob(options), options, clock, asked, emitted };
  }

  it('runs a campaign right after it became active, then once per interval or when partitions were assigned', async () => {
    const { job, clock, asked } = setUp({ id: CAMPAIGN }, { 'a-1': 'member', 'a-2': 'member', 'a-3': 'outside', 'a-4': 'excluded', 'a-5': 'member' }, { 'a-2': 'control' });
    await expect(job.runDue()).resolves.toEqual([{ campaignId: CAMPAIGN, version: 1, sent: 2, heldOut: 1, excluded: { 'consent_missing:marketing:email': 1 }, skipped: 0 }]);
    expect(asked.map((r) => [r.customerId, r.channels, r.actions, r.limit])).toEqual([
      ['a-1', ['email'], [CAMPAIGN], 1],
      ['a-2', ['email'], [CAMPAIGN], 1],
      ['a-5', ['email'], [CAMPAIGN], 1],
    ]);
    clock.now += MINUTE;
    await expect(job.runDue()).resolves.toEqual([]);
    clock.now += 10 * MINUTE;
    const [again] = await job.runDue();
    // Sent and held out are final; the recent exclusion waits for its retry delay.
    expect(again).toMatchObject({ sent: 0, heldOut: 0, skipped: 4 });
    job.nudge();
    await expect(job.runDue()).resolves.toHaveLength(1);
    expect(asked).toHaveLength(3);
  });

  it('sends nothing outside the campaign’s start and end', async () => {
    const { job, clock, asked } = setUp({ id: CAMPAIGN, startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-31T00:00:00Z' }, { 'w-1': 'member' });
    await expect(job.runAll()).resolves.toEqual([{ campaignId: CAMPAIGN, version: 1, sent: 0, heldOut: 0, excluded: {}, skipped: 0 }]);
    clock.now = Date.parse('2026-12-02T00:00:00Z');
    await expect(job.runAll()).resolves.toMatchObject([{ sent: 1 }]);
    clock.now = Date.parse('2027-01-02T00:00:00Z');
    await expect(job.runAll()).resolves.toMatchObject([{ sent: 0 }]);
    expect(asked).toHaveLength(1);
  });

  it('leaves a send the partition move interrupted to the next owner, who finishes it under the same decision id', async () => {
    const moved = new KairosError('NOT_PARTITION_OWNER', 'partition 0 moved', [], 1);
    const first = setUp({ id: CAMPAIGN }, { 'm-1': 'member', 'm-2': 'member' }, { 'm-1': moved });
    // The partition left while m-1's decision was asked: m-2's (decided in the same batch) went out, m-1's is pending.
    await expect(first.job.runAll()).resolves.toMatchObject([{ sent: 1, heldOut: 0 }]);
    expect(first.emitted).toEqual([campaignSendDecisionId(CAMPAIGN, 1, 'm-2', 1)]);

    const next = setUp({ id: CAMPAIGN }, { 'm-1': 'member', 'm-2': 'member' });
    next.clock.now = T0 + MINUTE;
    await expect(next.job.runAll()).resolves.toMatchObject([{ sent: 0, skipped: 2 }]);
    next.clock.now = T0 + 6 * MINUTE;
    await expect(next.job.runAll()).resolves.toMatchObject([{ sent: 1, skipped: 1 }]);
    expect(next.emitted).toEqual([campaignSendDecisionId(CAMPAIGN, 1, 'm-1', 1)]);
    expect(first.asked.find((r) => r.customerId === 'm-1')?.decisionId).toBe(campaignSendDecisionId(CAMPAIGN, 1, 'm-1', 1));
  });

  it('resumes a send that crashed between the outbox and the ledger under the same decision id, and records erased customers as excluded', async () => {
    const real = new CampaignSendRepository(database.dataSource());
    let crash = true;
    const crashing: CampaignSendStore = {
      begin: (batch) => real.begin(batch),
      exclude: (key, exclusions, nowMs) => real.exclude(key, exclusions, nowMs),
      statesOn: (key, partitions) => real.statesOn(key, partitions),
      finish: async (...args) => {
        if (crash) throw new Error('process killed');
        return real.finish(...args);
      },
    };
    const first = setUp({ id: CRASHED }, { 'k-1': 'member' }, {}, crashing);
    await expect(first.job.runAll()).rejects.toThrow('process killed');
    crash = false;
    const restarted = setUp({ id: CRASHED }, { 'k-1': 'member', 'k-2': 'member' }, { 'k-2': new KairosError('CUSTOMER_ERASED', 'erased') }, crashing);
    restarted.clock.now = T0 + 6 * MINUTE;
    await expect(restarted.job.runAll()).resolves.toMatchObject([{ sent: 1, excluded: { customer_erased: 1 } }]);
    expect([...first.emitted, ...restarted.emitted]).toEqual([campaignSendDecisionId(CRASHED, 1, 'k-1', 1), campaignSendDecisionId(CRASHED, 1, 'k-1', 1)]);
    await expect(real.countsOf(CRASHED)).resolves.toMatchObject([{ sent: 1, heldOut: 0, pending: 0, excluded: { customer_erased: 1 } }]);
  });
});
