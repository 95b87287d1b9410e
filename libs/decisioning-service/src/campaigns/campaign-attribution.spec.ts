import { readFileSync } from 'node:fs';
import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import {
  CONTROL,
  SeededRandom,
  campaignReport,
  campaignState,
  chooseVariant,
  compileActionCatalog,
  decide,
  isInControlGroup,
  loadActionCatalogFile,
  seedFrom,
  type ActionCatalog,
  type DecisionOutcome,
  type DecisionRequest,
} from '@kairos/decisioning';
import { CampaignAttribution } from './campaign-attribution';
import { campaignView } from './campaign-view';

const CAMPAIGN = 'retention-winter-2026';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 11, 1, 12);
const catalog = loadActionCatalogFile('governance/actions.json');

let offset = 0;
function logged(type: string, customerId: string, atMs: number, data: Record<string, unknown>): LoggedEvent {
  const event = { id: `e-${offset}`, type, customerId, occurredAt: new Date(atMs).toISOString(), occurredAtMs: atMs, receivedAtMs: atMs, source: 'test', data } as unknown as CustomerEvent;
  return { partition: 0, offset: offset++, event };
}
const click = (customerId: string, atMs: number, actionId = 'retention-offer') => logged('message_clicked', customerId, atMs, { messageId: 'm-1', actionId, variantId: 'fee-waiver' });

/** A served decision's outcome as far as exposures go: the campaign action shown with a variant, or a holdout. */
function served(customerId: string, variantId: string | null, atMs = T0, decisionId = `d-${customerId}`): DecisionOutcome {
  const actions = variantId === null ? [] : [{ actionId: 'retention-offer', channel: 'email', priority: 1, content: { ref: 'x', version: '1', campaignId: CAMPAIGN, variantId } }];
  const holdouts = variantId === null ? [{ campaignId: CAMPAIGN, actionId: 'retention-offer' }] : [];
  return { decisionId, customerId, decidedAtMs: atMs, actions, holdouts } as unknown as DecisionOutcome;
}

describe('campaign attribution', () => {
  it('updates the Beta posterior: an exposure is pending, a goal in time is a success, a closed window a failure', () => {
    const book = new CampaignAttribution(catalog.campaigns, () => 7);
    const campaign = catalog.campaigns.get(CAMPAIGN)!;
    book.recordExposures(served('a', 'fee-waiver'));
    book.recordExposures(served('b', 'fee-waiver'));
    book.recordExposures(served('c', 'bonus-interest'));
    book.recordExposures(served('a', 'fee-waiver', T0 + DAY, 'd-again'));
    expect(campaignState(campaign, book.counts())).toEqual({
      arms: [
        { variantId: 'fee-waiver', alpha: 1, beta: 1 },
        { variantId: 'bonus-interest', alpha: 1, beta: 1 },
        { variantId: 'personal-advisor', alpha: 1, beta: 1 },
      ],
      audience: 3,
    });
    expect(book.onRecords([click('a', T0 + 2 * DAY)])).toBe(1);
    expect(book.onRecords([click('a', T0 + 3 * DAY)])).toBe(0);
    expect(book.settle(T0 + 14 * DAY)).toBe(0);
    expect(book.settle(T0 + 14 * DAY + 1)).toBe(2);
    expect(campaignState(campaign, book.counts()).arms.slice(0, 2)).toEqual([
      { variantId: 'fee-waiver', alpha: 2, beta: 2 },
      { variantId: 'bonus-interest', alpha: 1, beta: 2 },
    ]);
    expect(book.takeBatch(T0).exposures.map((e) => [e.customerId, e.arm, e.partition])).toEqual([
      ['a', 'fee-waiver', 7],
      ['b', 'fee-waiver', 7],
      ['c', 'bonus-interest', 7],
    ]);
  });

  it('credits only goal events inside the attribution window that match the goal pattern', () => {
    const book = new CampaignAttribution(catalog.campaigns, () => 0);
    for (const id of ['early', 'late', 'other-action', 'opened', 'in-time']) book.recordExposures(served(id, 'fee-waiver'));
    expect(book.onRecords([click('early', T0 - 1), click('late', T0 + 14 * DAY + 1), click('other-action', T0 + DAY, 'card-unlock')])).toBe(0);
    expect(book.onRecords([logged('message_opened', 'opened', T0 + DAY, { messageId: 'm', actionId: 'retention-offer', variantId: 'fee-waiver' })])).toBe(0);
    expect(book.onRecords([click('in-time', T0 + 14 * DAY)])).toBe(1);
  });

  it('attributes a card transaction in a merchant category within its window (a goal the control group can reach too)', () => {
    const grocery = compileActionCatalog({
      ...rawCatalog(),
      campaigns: [{ ...rawCatalog().campaigns[0], goal: { event: { type: 'card_transaction', where: { merchantCategory: ['5411', '5412'] } }, within: '7d' } }],
    });
    const book = new CampaignAttribution(grocery.campaigns, () => 0);
    book.recordExposures(served('t', 'bonus-interest'));
    book.recordExposures(served('c', null));
    const tx = (customerId: string, atMs: number, merchantCategory: string) =>
      logged('card_transaction', customerId, atMs, { cardId: 'card-1', product: 'debit_card', amount: 12, currency: 'EUR', merchantCategory, channel: 'pos' });
    expect(book.onRecords([tx('t', T0 + DAY, '5999'), tx('c', T0 + 8 * DAY, '5411')])).toBe(0);
    expect(book.onRecords([tx('t', T0 + 2 * DAY, '5412'), tx('c', T0 + 6 * DAY, '5411')])).toBe(2);
    expect(book.counts()[CAMPAIGN]).toEqual({ 'bonus-interest': { exposed: 1, successes: 1, failures: 0 }, [CONTROL]: { exposed: 1, successes: 1, failures: 0 } });
  });

  it('forgets an erased customer’s open exposure and keeps the counts', () => {
    const book = new CampaignAttribution(catalog.campaigns, () => 0);
    book.recordExposures(served('gone', 'fee-waiver'));
    book.onRecords([logged('customer_erased', 'gone', T0 + 1, { requestId: 'r-1', receivedAt: new Date(T0).toISOString() })]);
    expect(book.onRecords([click('gone', T0 + DAY)])).toBe(0);
    expect(book.takeBatch(T0)).toMatchObject({ exposures: [], forgotten: ['gone'] });
    expect(book.counts()[CAMPAIGN]['fee-waiver'].exposed).toBe(1);
  });

  it('never gives a control-group customer the treatment: decide() holds them out and the book records them as control', () => {
    const book = new CampaignAttribution(catalog.campaigns, () => 0);
    const customers = Array.from({ length: 300 }, (_, i) => `cust-${i}`);
    let control = 0;
    for (const customerId of customers) {
      const outcome = decideRetention(catalog, customerId, T0);
      book.recordExposures(outcome);
      const inControl = isInControlGroup(CAMPAIGN, customerId, 0.1);
      const shown = outcome.actions.filter((a) => a.content.campaignId === CAMPAIGN);
      if (inControl) {
        control++;
        expect(shown).toEqual([]);
        expect(outcome.holdouts).toEqual([{ campaignId: CAMPAIGN, actionId: 'retention-offer' }]);
      } else {
        expect(shown).toHaveLength(1);
        expect(outcome.holdouts).toEqual([]);
      }
    }
    const counts = book.counts()[CAMPAIGN];
    expect(control).toBeGreaterThan(15);
    expect(counts[CONTROL].exposed).toBe(control);
    expect(Object.entries(counts).reduce((sum, [arm, c]) => sum + (arm === CONTROL ? 0 : c.exposed), 0)).toBe(customers.length - control);
    // The unapproved variant is never shown.
    expect(counts['personal-advisor']).toBeUndefined();
  });

  it('Thompson sampling converges on the best variant in a seeded population, and uplift against control is measured', () => {
    const truth: Record<string, number> = { 'fee-waiver': 0.15, 'bonus-interest': 0.08, 'personal-advisor': 0.04, [CONTROL]: 0.05 };
    const campaign = catalog.campaigns.get(CAMPAIGN)!;
    const book = new CampaignAttribution(catalog.campaigns, () => 0);
    const world = new SeededRandom(20261201);
    const ROUNDS = 4000;
    const picks: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const customerId = `p-${i}`;
      const atMs = T0 + i * HOUR;
      const control = isInControlGroup(CAMPAIGN, customerId, campaign.definition.controlShare);
      const arm = control ? null : chooseVariant(CAMPAIGN, campaignState(campaign, book.counts()).arms, seedFrom(`d-${i}`, CAMPAIGN)).variantId;
      if (arm) picks.push(arm);
      book.recordExposures(served(customerId, arm, atMs, `d-${i}`));
      if (world.next() < truth[arm ?? CONTROL]) book.onRecords([click(customerId, atMs + DAY)]);
      // Delayed feedback: a failure is only known when its 14-day window closes (336 rounds later at one per hour).
      book.settle(atMs);
    }
    book.settle(T0 + ROUNDS * HOUR + 15 * DAY);
    const share = (list: string[], variant: string) => list.filter((v) => v === variant).length / list.length;
    const overall = share(picks, 'fee-waiver');
    const last1000 = share(picks.slice(-1000), 'fee-waiver');
    const view = campaignView(campaign, book.counts(), () => 0, () => ['email'], T0);
    process.stdout.write(
      `Thompson sampling, ${ROUNDS} rounds (${picks.length} treated): best arm share overall ${(overall * 100).toFixed(1)}%, last 1000 ${(last1000 * 100).toFixed(1)}%; ` +
        `P(best) ${JSON.stringify(Object.fromEntries(view.variants.map((v) => [v.variantId, v.probabilityBest])))}; uplift ${JSON.stringify(view.uplift)}\n`,
    );
    expect(last1000).toBeGreaterThan(0.85);
    expect(overall).toBeGreaterThan(0.7);
    expect(view.variants.find((v) => v.variantId === 'fee-waiver')!.probabilityBest).toBeGreaterThan(0.95);
    const report = campaignReport(campaign, book.counts());
    const treatedRate = report.treated.rate!;
    expect(view.uplift!.absolute).toBeCloseTo(treatedRate - report.control.rate!, 12);
    expect(view.uplift!.interval95[0]).toBeGreaterThan(0);
    expect(view.uplift!.interval95[0]).toBeLessThan(view.uplift!.absolute);
    expect(view.control.exposed + view.treated.exposed).toBe(ROUNDS);
    for (const v of view.variants) expect(v.posterior.credibleInterval95[0]).toBeLessThan(v.posterior.mean);
  });
});

function rawCatalog() {
  return JSON.parse(readFileSync('governance/actions.json', 'utf8')) as { campaigns: Record<string, unknown>[] } & Record<string, unknown>;
}

/** A decision for an at-risk checking-account holder after the churn trigger, every consent given. */
function decideRetention(actions: ActionCatalog, customerId: string, nowMs: number): DecisionOutcome {
  const features: Record<string, unknown> = { holds_checking_account: true };
  const request: DecisionRequest = { decisionId: `d-${customerId}`, customerId, channels: ['email'], actions: ['retention-offer'], nowMs };
  return decide(actions, request, {
    features: (name) => (name in features ? (features[name] as boolean) : undefined),
    stateOffset: 1,
    timeZone: 'Europe/Berlin',
    consent: { may: () => true, objectsTo: () => false, snapshot: () => ({ asOfOffset: 1, grants: [], objections: [] }) },
    scores: { churn: { score: 0.8, version: '1', stage: 'production' } },
    triggers: [{ triggerId: 'churn-risk-high', occasionId: `o-${customerId}`, firedAtMs: nowMs - 1000, validUntilMs: nowMs + DAY }],
    content: (ref) => (ref === 'retention-personal-advisor' ? null : '1'),
  });
}
