import type { AuditRecordDraft } from '../audit-record';

/** A decision record shaped like the decision path writes them, varied by `n`. */
export function decisionDraft(n: number, overrides: Partial<AuditRecordDraft> = {}): AuditRecordDraft {
  return {
    kind: 'decision_served',
    actor: { type: 'component', component: 'decisioning', version: '1.4.2' },
    subject: `c-${n % 97}`,
    decisionId: `d-${n}`,
    inputs: [
      { feature: 'income_monthly', value: 2_000 + (n % 3_000) },
      { feature: 'age_band', value: '30-39' },
      { feature: 'txn_count_30d', value: n % 80 },
      { feature: 'has_credit_card', value: n % 2 === 0 },
      { feature: 'churn_risk', value: 0.12 },
    ],
    logic: {
      rules: [{ ruleSetId: 'offers', version: '12', tableId: 'offerTable', rowIds: ['r3', 'r7'] }],
      models: [
        {
          modelId: 'propensity-card',
          version: '7',
          stage: 'production',
          score: 0.734,
          attributions: [
            { feature: 'txn_count_30d', contribution: 0.21 },
            { feature: 'income_monthly', contribution: -0.08 },
            { feature: 'has_credit_card', contribution: 0.05 },
          ],
        },
      ],
      seeds: { bandit: 918_273 + n },
    },
    consent: { asOfOffset: 1_000 + n, grants: [{ purpose: 'marketing', channel: 'email', status: 'given' }], objections: [] },
    output: { actions: [{ actionId: `a-${n}`, offerId: 'offer-cashback', priority: 0.81 }], channel: 'web' },
    reasons: ['consent_given:marketing:email', 'rule_matched:offers:r3', 'score_above_threshold:propensity-card'],
    counterfactuals: [{ feature: 'income_monthly', actual: 2_800, threshold: 3_200, wouldResultIn: 'offer-premium-card' }],
    occurredAtMs: 1_795_000_000_000 + n,
    ...overrides,
  };
}
