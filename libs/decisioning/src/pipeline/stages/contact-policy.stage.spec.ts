import { compileActionCatalog } from '../../catalog/action-catalog';
import { HOUR, actionDefinition, catalogDocument, fixedInputs, registry } from '../../testing/decision-test-support';
import { decide } from '../decide';
import { decisionAuditDraft } from '../decision-audit';
import { replayDecision } from '../decision-replay';
import type { DecisionInputs, DecisionRequest } from '../decision-ports';

const catalogOf = (overrides: Record<string, unknown>) => compileActionCatalog(catalogDocument(overrides), { isFeature: (name) => registry.has(name), triggerIds: new Set(['card-idle']) });
const at = (iso: string, fields: Partial<DecisionRequest> = {}): DecisionRequest => ({ decisionId: 'd-q', customerId: 'c1', channels: ['sms'], nowMs: Date.parse(iso), ...fields });
const until = (outcome: ReturnType<typeof decide>) => outcome.actions.map((a) => (a.deferredUntilMs === undefined ? null : new Date(a.deferredUntilMs).toISOString()));

describe('contact policy: quiet hours defer outbound actions', () => {
  const catalog = catalogOf({ actions: [actionDefinition('offer-a')] });

  it('defers to the end of the window on the customer clock, across a daylight-saving change', () => {
    // 22:00 CET on the night clocks go forward: 08:00 next morning is CEST, 06:00 UTC (not 07:00).
    expect(until(decide(catalog, at('2026-03-28T21:00:00Z'), fixedInputs({})))).toEqual(['2026-03-29T06:00:00.000Z']);
    // 22:00 CEST on the night clocks go back: 08:00 next morning is CET, 07:00 UTC.
    expect(until(decide(catalog, at('2026-10-24T20:00:00Z'), fixedInputs({})))).toEqual(['2026-10-25T07:00:00.000Z']);
    // Seconds into the minute do not shift the end; Tokyo has no DST.
    expect(until(decide(catalog, at('2026-11-23T13:30:42Z'), fixedInputs({}, undefined, { timeZone: 'Asia/Tokyo' })))).toEqual(['2026-11-23T23:00:00.000Z']);
  });

  it('shows the deferral in the audit record and its reasons, and replays to the same time', () => {
    const outcome = decide(catalog, at('2026-11-23T22:15:00Z'), fixedInputs({}));
    const record = decisionAuditDraft(outcome, { type: 'component', component: 'spec', version: '1' });
    expect(JSON.stringify(record)).toContain('"deferredUntil":"2026-11-24T07:00:00.000Z"');
    expect(record.reasons).toContain('offer-a:deferred:quiet_hours:sms:until:2026-11-24T07:00:00.000Z');
    expect(outcome.counterfactuals).toEqual([]);
    expect(replayDecision(catalog, JSON.parse(JSON.stringify(outcome.replay)), JSON.parse(JSON.stringify(outcome.models)))).toEqual(outcome);
  });

  it('suppresses instead when the trigger fire or the campaign ends before the window does', () => {
    const triggered = catalogOf({ actions: [actionDefinition('nudge', { applicability: { triggers: ['card-idle'] } })] });
    const fire = (validForH: number): Partial<DecisionInputs> => ({ triggers: [{ triggerId: 'card-idle', occasionId: 'o1', firedAtMs: Date.parse('2026-11-23T21:00:00Z'), validUntilMs: Date.parse('2026-11-23T21:00:00Z') + validForH * HOUR }] });
    const short = decide(triggered, at('2026-11-23T21:30:00Z'), fixedInputs({}, undefined, fire(2)));
    expect(short.actions).toEqual([]);
    expect(short.suppressed.map((s) => s.reasons)).toEqual([['quiet_hours:sms']]);
    expect(until(decide(triggered, at('2026-11-23T21:30:00Z'), fixedInputs({}, undefined, fire(24))))).toEqual(['2026-11-24T07:00:00.000Z']);
  });

  it('never touches inbound channels', () => {
    expect(until(decide(catalog, at('2026-11-23T23:00:00Z', { channels: ['app'] }), fixedInputs({})))).toEqual([null]);
  });
});
