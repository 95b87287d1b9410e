import { KairosError } from '@kairos/contracts';
import { compileActionCatalog } from '../catalog/action-catalog';
import { DAY, GrantedConsent, HOUR, T0, actionDefinition, catalogDocument, fixedInputs, registry } from '../testing/decision-test-support';
import { decide } from './decide';
import type { ContactRecord, DecisionInputs, DecisionRequest } from './decision-ports';

const catalogOf = (overrides: Record<string, unknown>) => compileActionCatalog(catalogDocument(overrides), { isFeature: (name) => registry.has(name) });
const request = (fields: Partial<DecisionRequest> = {}): DecisionRequest => ({ decisionId: 'd-1', customerId: 'c1', channels: ['sms'], nowMs: T0, ...fields });
const contact = (actionId: string, channel: ContactRecord['channel'], hoursAgo: number, kind: ContactRecord['kind'] = 'contact'): ContactRecord => ({ actionId, channel, atMs: T0 - hoursAgo * HOUR, kind });
const reasons = (outcome: ReturnType<typeof decide>) => outcome.suppressed.map((s) => `${s.actionId}@${s.channel ?? '*'}:${s.stage}:${s.reasons.join('+')}`);

describe('decision pipeline', () => {
  describe('contact policy', () => {
    const catalog = catalogOf({
      contactPolicy: {
        caps: [
          { channel: '*', max: 2, within: '7d' },
          { channel: 'sms', max: 1, within: '1d' },
        ],
        declineCooldown: '30d',
      },
      actions: [actionDefinition('offer-a', { contactPolicy: { caps: [{ max: 1, within: '14d' }] } }), actionDefinition('offer-b')],
    });

    it('caps contacts per channel, over all outbound channels, and per action, saying when each frees up', () => {
      const inputs = (contacts: ContactRecord[]) => fixedInputs({}, undefined, { contacts });
      const smsYesterday = decide(catalog, request(), inputs([contact('offer-b', 'sms', 20)]));
      expect(reasons(smsYesterday)).toEqual(['offer-a@sms:contact_policy:frequency_cap:sms:1/1d', 'offer-b@sms:contact_policy:frequency_cap:sms:1/1d']);
      expect(smsYesterday.suppressed[0].counterfactuals).toEqual([
        { feature: 'frequency_cap:sms:1/1d', actual: 1, threshold: new Date(T0 + 4 * HOUR).toISOString(), wouldResultIn: 'offer-a allowed on sms' },
      ]);
      const twoEmails = decide(catalog, request({ channels: ['sms', 'app'] }), inputs([contact('offer-b', 'email', 30), contact('offer-b', 'email', 50)]));
      expect(reasons(twoEmails)).toEqual(['offer-a@sms:contact_policy:frequency_cap:*:2/7d', 'offer-b@sms:contact_policy:frequency_cap:*:2/7d']);
      expect(twoEmails.actions.map((a) => `${a.actionId}@${a.channel}`)).toEqual(['offer-a@app', 'offer-b@app']);
      const actionCap = decide(catalog, request({ channels: ['app'] }), inputs([contact('offer-a', 'email', 24 * 10)]));
      expect(reasons(actionCap)).toEqual(['offer-a@app:contact_policy:frequency_cap:action:1/14d']);
    });

    it('cools down after a decline, and keeps quiet hours in the customer zone (wrapping midnight)', () => {
      const declined = decide(catalog, request({ channels: ['app'] }), fixedInputs({}, undefined, { contacts: [contact('offer-b', 'app', 24 * 29, 'declined')] }));
      expect(reasons(declined)).toEqual(['offer-b@app:contact_policy:decline_cooldown']);
      expect(declined.suppressed[0].counterfactuals[0].threshold).toBe(new Date(T0 + DAY).toISOString());
      const night = (hourUtc: number, timeZone: string) => decide(catalog, request({ nowMs: Date.UTC(2026, 10, 23, hourUtc) }), fixedInputs({}, undefined, { timeZone }));
      // Quiet hours defer an outbound action to the end of the window (08:00 in Berlin = 07:00 UTC in November).
      const deferredUntil = (outcome: ReturnType<typeof decide>) => outcome.actions.map((a) => (a.deferredUntilMs === undefined ? null : new Date(a.deferredUntilMs).toISOString()));
      expect(deferredUntil(night(21, 'Europe/Berlin'))).toEqual(['2026-11-24T07:00:00.000Z', '2026-11-24T07:00:00.000Z']);
      expect(night(21, 'Europe/Berlin').actions[0]?.reasons).toContain('deferred:quiet_hours:sms:until:2026-11-24T07:00:00.000Z');
      expect(deferredUntil(night(6, 'Europe/Berlin'))).toEqual(['2026-11-23T07:00:00.000Z', '2026-11-23T07:00:00.000Z']);
      expect(deferredUntil(night(7, 'Europe/Berlin'))).toEqual([null, null]);
      expect(deferredUntil(night(21, 'America/New_York'))).toEqual([null, null]);
      // Another channel that may send now wins; the quiet one is suppressed, not deferred.
      const withApp = decide(catalog, request({ nowMs: Date.UTC(2026, 10, 23, 21), channels: ['sms', 'app'] }), fixedInputs({}, undefined, { timeZone: 'Europe/Berlin' }));
      expect(reasons(withApp)).toEqual(['offer-a@sms:contact_policy:quiet_hours:sms', 'offer-b@sms:contact_policy:quiet_hours:sms']);
      expect(deferredUntil(withApp)).toEqual([null, null]);
    });

    it('holds back a channel whose circuit breaker is saturated', () => {
      const outcome = decide(catalog, request({ channels: ['sms', 'email'] }), fixedInputs({}, undefined, { capacity: (channel) => channel !== 'sms' }));
      expect(reasons(outcome)).toEqual(['offer-a@sms:contact_policy:capacity:sms', 'offer-b@sms:contact_policy:capacity:sms']);
      expect(outcome.actions.map((a) => a.channel)).toEqual(['email', 'email']);
    });
  });

  describe('suitability and arbitration', () => {
    const catalog = catalogOf({
      actions: [
        actionDefinition('loan', { purposes: ['marketing'], value: 100, propensity: { model: 'propensity-loan', default: 0.1 }, group: 'credit', responsibleLending: { credit: true } }),
        actionDefinition('card', { purposes: ['marketing', 'profiling'], value: 60, propensity: { default: 0.2 }, group: 'credit' }),
        actionDefinition('tip', { purposes: ['service'], value: 5, propensity: { default: 0.9 }, contextWeights: [{ channel: 'app', weight: 2 }, { when: 'context.amount > 100', weight: 3 }] }),
        actionDefinition('save', { purposes: ['marketing'], value: 20, propensity: { default: 0.5 }, lever: 2 }),
      ],
    });
    const scores = { 'propensity-loan': { score: 0.4, version: '7', stage: 'production' } };
    const card = { credit_card_balance: -500, credit_card_limit: 2000 };

    it('ranks by propensity × value × context weight × lever, one per group, top N, each factor shown', () => {
      const outcome = decide(catalog, request({ channels: ['app'], limit: 2, context: { amount: 250 } }), fixedInputs(card, new GrantedConsent(['marketing:any', 'profiling:any']), { scores, levers: { save: 1.5 } }));
      expect(outcome.actions.map((a) => [a.actionId, a.priority])).toEqual([
        ['loan', 40],
        ['save', 30],
      ]);
      expect(outcome.actions[1].factors.lever).toEqual({ value: 3, catalog: 2, override: 1.5 });
      expect(reasons(outcome)).toEqual(['tip@app:arbitration:arbitration:below_top_n', 'card@app:arbitration:arbitration:group:credit:loan']);
      const tip = outcome.suppressed.find((s) => s.actionId === 'tip')!;
      expect(tip.priority).toBe(27);
      // 0.9 × 5 × 6: no propensity ≤ 1 reaches 40, so the hint names the lever.
      expect(tip.counterfactuals).toEqual([{ feature: 'lever:tip', actual: 1, threshold: 1.482, wouldResultIn: 'tip ranked first' }]);
      expect(outcome.counterfactuals).toContainEqual({ feature: 'propensity:save', actual: 0.5, threshold: 0.6667, wouldResultIn: 'save ranked first' });
      expect(outcome.counterfactuals).toContainEqual({ feature: 'propensity:loan', actual: 0.4, threshold: 0.3, wouldResultIn: 'save ranked first' });
      const tipAlone = decide(catalog, request({ channels: ['app'], actions: ['tip'], context: { amount: 250 } }), fixedInputs(card));
      expect(tipAlone.actions[0].factors.contextWeight).toEqual({ value: 6, matched: ['channel=app ×2', 'when context.amount > 100 ×3'] });
      expect(outcome.models).toEqual([{ modelId: 'propensity-loan', version: '7', stage: 'production', score: 0.4, attributions: [] }]);
    });

    it('after an objection to profiling: no model scores, no profiling purposes; after withdrawn marketing consent: service only', () => {
      const consent = new GrantedConsent(['marketing:any']);
      consent.objections.add('profiling');
      const objected = decide(catalog, request({ channels: ['app'] }), fixedInputs(card, consent, { scores }));
      expect(objected.actions.find((a) => a.actionId === 'loan')!.factors.propensity).toEqual({ value: 0.1, source: 'default_profiling_objection', model: 'propensity-loan', modelVersion: null });
      expect(objected.models).toEqual([]);
      expect(reasons(objected)).toContain('card@app:suitability:objection:profiling+consent_missing:profiling:app');
      const withdrawn = decide(catalog, request({ channels: ['app'] }), fixedInputs(card, new GrantedConsent([])));
      expect(withdrawn.actions.map((a) => a.actionId)).toEqual(['tip']);
      expect(reasons(withdrawn)).toContain('loan@app:suitability:consent_missing:marketing:app');
    });

    it('property-style check: raising a propensity to its counterfactual threshold makes that action rank first', () => {
      for (const [value, other] of [
        [10, 15],
        [3, 5],
        [100, 101],
        [8, 14],
      ]) {
        const pair = catalogOf({
          actions: [
            actionDefinition('first', { value: other, propensity: { default: 0.5 } }),
            actionDefinition('second', { value, propensity: { model: 'model-m', default: 0.5 } }),
          ],
        });
        const before = decide(pair, request({ channels: ['app'] }), fixedInputs({}, undefined, { scores: { 'model-m': { score: 0.1, version: '1', stage: 'p' } } }));
        const counterfactual = before.counterfactuals.find((c) => c.feature === 'propensity:second')!;
        const after = decide(pair, request({ channels: ['app'] }), fixedInputs({}, undefined, { scores: { 'model-m': { score: counterfactual.threshold as number, version: '1', stage: 'p' } } }));
        expect(after.actions[0].actionId).toBe('second');
      }
    });

    it('refuses a channel the catalog does not serve, naming the field', () => {
      let caught: unknown;
      try {
        decide(catalog, request({ channels: ['letter'] }), fixedInputs({}));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(KairosError);
      expect((caught as KairosError).issues).toEqual([expect.objectContaining({ path: 'channel', rule: 'known_channel' })]);
    });
  });

  it('asks a deployed DMN rule for eligibility, records its version and rows, and suppresses when it is not deployed', () => {
    const catalog = catalogOf({ actions: [actionDefinition('gated', { eligibilityRule: { ruleSet: 'gate', decision: 'Eligible' } })] });
    const reads: string[] = [];
    const rules: DecisionInputs['rules'] = {
      evaluate: (ruleSet, decision, read) => {
        reads.push(String(read('age')));
        return ruleSet === 'gate' && decision === 'Eligible' ? { value: true, version: '3', tableId: 'T1', ruleIds: ['r2'] } : null;
      },
    };
    const outcome = decide(catalog, request({ channels: ['app'] }), fixedInputs({ age: 30 }, undefined, { rules }));
    expect(outcome.actions.map((a) => a.actionId)).toEqual(['gated']);
    expect(outcome.rules).toEqual([{ ruleSetId: 'gate', version: '3', tableId: 'T1', rowIds: ['r2'] }]);
    expect(outcome.inputs).toContainEqual({ feature: 'age', value: 30 });
    expect(reads).toEqual(['30']);
    expect(reasons(decide(catalog, request({ channels: ['app'] }), fixedInputs({})))).toEqual(['gated@*:eligibility:ineligible:rule_unavailable:gate']);
  });
});
