import type { CustomerEvent } from '@kairos/contracts';
import { CampaignLedger, campaignReport, campaignState } from '../bandit/campaign-ledger';
import { isInControlGroup } from '../bandit/control-group';
import { decisionAuditDraft } from '../pipeline/decision-audit';
import { replayDecision } from '../pipeline/decision-replay';
import { CustomerJourney, DAY, HOUR, T0, actionIds, reasonsOf } from '../testing/decision-test-support';

const CAMPAIGN = 'retention-winter-2026';
const customers = Array.from({ length: 200 }, (_, i) => `r-${i}`);
const treatedId = customers.find((id) => !isInControlGroup(CAMPAIGN, id, 0.1)) as string;
const controlId = customers.find((id) => isInControlGroup(CAMPAIGN, id, 0.1)) as string;

function atRisk(journey: CustomerJourney, customerId: string) {
  journey.emit(customerId, 'customer_registered', T0 - 900 * DAY, { birthDate: '1975-06-30', country: 'DE', language: 'de', timeZone: 'Europe/Berlin' });
  journey.emit(customerId, 'product_opened', T0 - 800 * DAY, { product: 'checking_account', productId: `ca-${customerId}` });
  journey.consentOf(customerId).grants.add('marketing:any');
  journey.unapprovedContent.add('retention-personal-advisor');
  expect(journey.score(customerId, 'churn', 0.52, T0)).toEqual([]);
  const fires = journey.score(customerId, 'churn', 0.74, T0 + HOUR);
  expect(fires.map((f) => f.triggerId)).toEqual(['churn-risk-high']);
  return fires[0];
}

describe('use case 5: rising churn risk puts the customer into a retention campaign with bandit-chosen approved content', () => {
  it('sends the retention offer with an approved variant picked by Thompson sampling, replayable from its seed', () => {
    const journey = new CustomerJourney();
    const fire = atRisk(journey, treatedId);
    const outcome = journey.decideFor(fire, T0 + HOUR)!;
    expect(actionIds(outcome)).toEqual(['retention-offer@push']);
    const [action] = outcome.actions;
    expect(['fee-waiver', 'bonus-interest']).toContain(action.content.variantId);
    expect(action.content).toMatchObject({ campaignId: CAMPAIGN, version: '1' });
    expect(outcome.bandit).toEqual([{ campaignId: CAMPAIGN, seed: outcome.seeds[`bandit:${CAMPAIGN}`], variantId: action.content.variantId, draws: expect.any(Array) }]);
    expect(outcome.bandit[0].draws.map((d) => d.variantId)).toEqual(['bonus-interest', 'fee-waiver']);
    expect(replayDecision(journey.catalog, JSON.parse(JSON.stringify(outcome.replay)), JSON.parse(JSON.stringify(outcome.models)))).toEqual(outcome);
    const draft = decisionAuditDraft(outcome, { type: 'component', component: 'decisioning', version: '1' });
    expect(draft.logic).toMatchObject({ triggerId: 'churn-risk-high', seeds: outcome.seeds, models: [expect.objectContaining({ modelId: 'churn', score: 0.74 })] });
  });

  it('holds a control-group customer out, as a recorded holdout for the uplift report', () => {
    const journey = new CustomerJourney();
    const outcome = journey.decideFor(atRisk(journey, controlId), T0 + HOUR)!;
    expect(outcome.actions).toEqual([]);
    expect(new Set(reasonsOf(outcome, 'retention-offer').map((r) => r.split(':').slice(1).join(':')))).toEqual(new Set([`control_group:${CAMPAIGN}`]));
    expect(outcome.holdouts).toEqual([{ campaignId: CAMPAIGN, actionId: 'retention-offer' }]);
  });

  it('leaves the segment when the score falls back, and never picks an unapproved variant', () => {
    const journey = new CustomerJourney();
    const fire = atRisk(journey, treatedId);
    journey.score(treatedId, 'churn', 0.4, T0 + 2 * HOUR);
    expect(reasonsOf(journey.decideFor(fire, T0 + 2 * HOUR)!, 'retention-offer')).toEqual([`*:not_in_segment:${CAMPAIGN}`]);
    journey.score(treatedId, 'churn', 0.9, T0 + 3 * HOUR);
    journey.unapprovedContent.add('retention-fee-waiver');
    journey.unapprovedContent.add('retention-bonus-interest');
    expect(reasonsOf(journey.decideFor(fire, T0 + 3 * HOUR)!, 'retention-offer')).toContain(`push:content_not_approved:${CAMPAIGN}`);
  });

  it('learns from clicks: the ledger credits the goal, the posterior shifts the choice, and uplift is reported against control', () => {
    const journey = new CustomerJourney();
    const campaign = journey.catalog.campaigns.get(CAMPAIGN)!;
    const ledger = new CampaignLedger(journey.catalog.campaigns);
    const click = (customerId: string, atMs: number) =>
      ({ id: `click-${customerId}`, type: 'message_clicked', customerId, occurredAt: '', occurredAtMs: atMs, receivedAtMs: atMs, source: 'test', data: { messageId: 'm', actionId: 'retention-offer', variantId: 'x' } }) as CustomerEvent;
    customers.forEach((id, i) => {
      const arm = isInControlGroup(CAMPAIGN, id, 0.1) ? null : i % 2 === 0 ? 'fee-waiver' : 'bonus-interest';
      ledger.expose(CAMPAIGN, id, arm, T0);
      // fee-waiver converts 3 in 5, bonus-interest 1 in 10, control 1 in 20.
      const converts = arm === 'fee-waiver' ? i % 5 < 3 : arm === 'bonus-interest' ? i % 10 === 1 : i % 20 === 0;
      if (converts) expect(ledger.onEvent(click(id, T0 + 2 * DAY))).toEqual([CAMPAIGN]);
    });
    expect(ledger.onEvent(click(customers[0], T0 + 3 * DAY))).toEqual([]);
    ledger.settle(T0 + 15 * DAY);
    const counts = ledger.snapshotCounts();
    const state = campaignState(campaign, counts);
    expect(state.audience).toBe(200);
    journey.campaignStates.set(CAMPAIGN, state);

    const fire = atRisk(journey, treatedId);
    const picks = customers.slice(0, 100).map((_, i) => journey.decide(treatedId, ['email'], T0 + HOUR, { decisionId: `d-${i}`, actions: fire.proposes }).actions[0].content.variantId);
    expect(picks.filter((v) => v === 'fee-waiver').length).toBeGreaterThan(95);

    const report = campaignReport(campaign, counts);
    expect(report.variants.find((v) => v.arm === 'fee-waiver')!.posterior.mean).toBeGreaterThan(0.5);
    expect(report.uplift!.absolute).toBeGreaterThan(0.2);
    expect(report.uplift!.lower95).toBeGreaterThan(0);
  });
});
