import { KairosError } from '@kairos/contracts';
import fc from 'fast-check';
import { DECISION_CHANNELS, DecisionChannel } from '../catalog/action-catalog.schema';
import { compileActionCatalog } from '../catalog/action-catalog';
import { GrantedConsent, HOUR, T0, catalogDocument, seedCatalog } from '../testing/decision-test-support';
import { decide } from './decide';
import { decisionAuditDraft } from './decision-audit';
import type { DecisionOutcome } from './decision-outcome';
import type { ContactRecord, DecisionInputs, DecisionRequest } from './decision-ports';
import { replayDecision } from './decision-replay';

const catalog = seedCatalog();
const SERVED = DECISION_CHANNELS.filter((c) => catalog.channels.has(c));
const TRIGGERS = ['card-lock-after-pin-failures', 'credit-card-unused-30d', 'turns-18', 'credit-card-over-limit', 'churn-risk-high'];
const GRANTS = ['marketing:any', 'marketing:email', 'marketing:push', 'marketing:app', 'profiling:any'];
const ACTIONS = catalog.actions.map((a) => a.id);

const worldArbitrary = fc.record({
  channels: fc.uniqueArray(fc.constantFrom(...SERVED), { minLength: 1, maxLength: 3 }),
  hour: fc.integer({ min: 0, max: 23 }),
  features: fc.record({
    card_locked: fc.boolean(),
    holds_checking_account: fc.boolean(),
    holds_credit_card: fc.boolean(),
    holds_debit_card: fc.boolean(),
    holds_installment_loan: fc.boolean(),
    age: fc.option(fc.integer({ min: 14, max: 90 })),
    credit_card_balance: fc.option(fc.integer({ min: -5000, max: 100 })),
    credit_card_limit: fc.option(fc.integer({ min: 500, max: 4000 })),
  }),
  daysPastDue: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
  // Biased towards worlds where offers survive, so ranking and bandit paths are exercised too.
  grants: fc.oneof(fc.constant(['marketing:any']), fc.subarray(GRANTS)),
  objections: fc.oneof(fc.constant([] as ('profiling' | 'direct_marketing')[]), fc.subarray(['profiling', 'direct_marketing'] as const)),
  churn: fc.oneof(fc.double({ min: 0.7, max: 1, noNaN: true }), fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined })),
  triggers: fc.oneof(fc.constant(TRIGGERS), fc.subarray(TRIGGERS)),
  contacts: fc.array(fc.record({ actionId: fc.constantFrom(...ACTIONS), channel: fc.constantFrom(...SERVED), hoursAgo: fc.integer({ min: 0, max: 24 * 40 }), kind: fc.constantFrom('contact' as const, 'declined' as const) }), { maxLength: 6 }),
  unapproved: fc.subarray(['card-unlock-prompt', 'retention-fee-waiver', 'retention-bonus-interest', 'debit-card-offer']),
  saturated: fc.subarray(['push', 'email', 'callback'] as DecisionChannel[]),
  arms: fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 6, maxLength: 6 }),
  decision: fc.integer({ min: 0, max: 1_000_000 }),
});

type World = typeof worldArbitrary extends fc.Arbitrary<infer W> ? W : never;

function scenario(world: World): { request: DecisionRequest; inputs: DecisionInputs } {
  const nowMs = T0 + world.hour * HOUR;
  const consent = new GrantedConsent(world.grants);
  for (const objection of world.objections) consent.objections.add(objection);
  const features: Record<string, unknown> = { ...world.features, days_past_due: world.daysPastDue };
  const contacts: ContactRecord[] = world.contacts.map((c) => ({ actionId: c.actionId, channel: c.channel, atMs: nowMs - c.hoursAgo * HOUR, kind: c.kind }));
  return {
    request: { decisionId: `dec-${world.decision}`, customerId: `cust-${world.decision % 97}`, channels: world.channels, nowMs, limit: 3 },
    inputs: {
      features: (name) => (name in features ? (features[name] as never) : undefined),
      stateOffset: world.decision,
      timeZone: 'Europe/Berlin',
      consent,
      scores: world.churn === undefined ? {} : { churn: { score: world.churn, version: '4', stage: 'production' } },
      triggers: world.triggers.map((triggerId) => ({ triggerId, occasionId: `o-${triggerId}`, firedAtMs: nowMs - HOUR, validUntilMs: nowMs + HOUR })),
      contacts,
      content: (ref) => (world.unapproved.includes(ref) ? null : '2'),
      capacity: (channel) => !world.saturated.includes(channel),
      campaigns: () => ({
        arms: ['bonus-interest', 'fee-waiver', 'personal-advisor'].map((variantId, i) => ({ variantId, alpha: world.arms[2 * i], beta: world.arms[2 * i + 1] })),
        audience: 10,
      }),
    },
  };
}

/** A4: the record a DPO reads is complete for every decision. */
function expectCompleteExplanation(outcome: DecisionOutcome): void {
  const draft = decisionAuditDraft(outcome, { type: 'component', component: 'decisioning', version: '1' });
  expect(draft).toMatchObject({ kind: 'decision_served', subject: outcome.customerId, decisionId: outcome.decisionId, consent: expect.objectContaining({ asOfOffset: 0 }) });
  expect(draft.output).toMatchObject({ stateOffset: outcome.stateOffset, catalogVersion: catalog.version });
  // Every seed action has an eligibility expression, so any action considered leaves the features it read.
  if (outcome.actions.length + outcome.suppressed.length > 0) expect(draft.inputs!.length).toBeGreaterThan(0);
  for (const entry of outcome.suppressed) {
    expect(entry.reasons.length).toBeGreaterThan(0);
    if (entry.reasons[0] !== 'arbitration:other_channel_chosen') expect(entry.counterfactuals.length).toBeGreaterThan(0);
  }
  if (outcome.suppressed.length > 0 || outcome.actions.length > 1) expect(draft.counterfactuals!.length).toBeGreaterThan(0);
  for (const choice of outcome.bandit) expect(draft.logic!.seeds![`bandit:${choice.campaignId}`]).toBe(choice.seed);
  expect(JSON.parse(JSON.stringify(draft))).toEqual(draft);
}

describe('decision replay and explanation (A5, A4)', () => {
  it('property: every decision replays identically from its JSON replay record and has a complete explanation', () => {
    let withBandit = 0;
    let withActions = 0;
    fc.assert(
      fc.property(worldArbitrary, (world) => {
        const { request, inputs } = scenario(world);
        const outcome = decide(catalog, request, inputs);
        expect(replayDecision(catalog, JSON.parse(JSON.stringify(outcome.replay)), JSON.parse(JSON.stringify(outcome.models)))).toEqual(outcome);
        expect(decide(catalog, request, inputs)).toEqual(outcome);
        expectCompleteExplanation(outcome);
        if (outcome.bandit.length > 0) withBandit++;
        if (outcome.actions.length > 0) withActions++;
      }),
      { numRuns: 300 },
    );
    expect(withActions).toBeGreaterThan(50);
    expect(withBandit).toBeGreaterThan(3);
  });

  it('refuses to replay with another catalog, and fails loudly when the logic asks something not recorded', () => {
    const { request, inputs } = scenario({
      channels: ['app'], hour: 10, features: { card_locked: true, holds_checking_account: true, holds_credit_card: false, holds_debit_card: false, holds_installment_loan: false, age: 30, credit_card_balance: null, credit_card_limit: null },
      daysPastDue: 0, grants: ['marketing:any'], objections: [], churn: 0.8, triggers: [], contacts: [], unapproved: [], saturated: [], arms: [1, 1, 1, 1, 1, 1], decision: 1,
    });
    const outcome = decide(catalog, request, inputs);
    const other = compileActionCatalog(catalogDocument({ actions: [] }));
    let caught: unknown;
    try {
      replayDecision(other, outcome.replay, outcome.models);
    } catch (error) {
      caught = error;
    }
    expect((caught as KairosError).code).toBe('CONFLICT');
    expect(() => replayDecision(catalog, { ...outcome.replay, features: outcome.replay.features.slice(1) }, outcome.models)).toThrow('did not read');
  });
});
