import { KairosError } from '@kairos/contracts';
import { referencedNames } from './condition-expression';
import { compileTriggerSet } from './trigger-set';
import { registry } from '../testing/trigger-test-support';

const pinFailures = {
  id: 'card-lock-after-pin-failures',
  description: 'Three failed PINs within ten minutes',
  kind: 'count',
  event: { type: 'atm_pin_failed' },
  atLeast: 3,
  within: '10m',
  cooldown: '10m',
};

function issuesOf(document: unknown): { path: string; rule: string; message: string }[] {
  try {
    compileTriggerSet(document, { registry });
  } catch (error) {
    if (error instanceof KairosError) return [...error.issues];
    throw error;
  }
  throw new Error('the document was accepted');
}

describe('trigger definitions', () => {
  it('compiles a valid document with defaults filled in', () => {
    const set = compileTriggerSet({ version: '1', triggers: [pinFailures] }, { registry });
    expect(set.triggers).toHaveLength(1);
    expect(set.triggers[0]).toMatchObject({ id: 'card-lock-after-pin-failures', kind: 'count', version: 1, cooldownMs: 600_000, validForMs: 86_400_000, withinMs: 600_000 });
    expect(set.triggers[0].definition).toMatchObject({ proposes: [], dedupeBy: [] });
  });

  it('reports every problem at once, with paths and rules, checked against the event catalog and feature registry', () => {
    const issues = issuesOf({
      version: '1',
      triggers: [
        { ...pinFailures, event: { type: 'card_transaction', where: { product: 'mortgage', currencyCode: 'EUR' } }, dedupeBy: ['cardId', 'atmId'] },
        { id: pinFailures.id, description: 'x', kind: 'threshold', on: ['balance_changed'], condition: 'credit_card_balanse > 0', cooldown: '1d' },
        { id: 'churn', description: 'x', kind: 'score_change', model: 'churn', crosses: 0.7, direction: 'up', rearmAt: 0.8, cooldown: '1d' },
      ],
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'triggers[0].event.where.product', rule: 'event_field' }),
        expect.objectContaining({ path: 'triggers[0].event.where.currencyCode', rule: 'event_field' }),
        expect.objectContaining({ path: 'triggers[0].dedupeBy[1]', rule: 'event_field' }),
        expect.objectContaining({ path: 'triggers[1].id', rule: 'unique' }),
        expect.objectContaining({ path: 'triggers[1].condition', rule: 'unknown_feature' }),
        expect.objectContaining({ path: 'triggers[2].rearmAt', rule: 'rearm_side' }),
      ]),
    );
    expect(issues).toHaveLength(6);
  });

  it('refuses malformed durations, kinds and FEEL with the field named', () => {
    expect(issuesOf({ version: '1', triggers: [{ ...pinFailures, within: '10 minutes' }] })).toEqual([
      expect.objectContaining({ path: 'triggers[0].within', rule: 'custom' }),
    ]);
    expect(issuesOf({ version: '1', triggers: [{ ...pinFailures, kind: 'sometimes' }] })[0].path).toBe('triggers[0].kind');
    expect(issuesOf({ version: '1', triggers: [{ ...pinFailures, condition: 'card_locked = ' }] })).toEqual([expect.objectContaining({ path: 'triggers[0].condition', rule: 'feel' })]);
  });

  it('fingerprints the meaning, not the spelling: key order does not matter, a changed window does', () => {
    const reordered = Object.fromEntries(Object.entries(pinFailures).reverse());
    const [a] = compileTriggerSet({ version: '1', triggers: [pinFailures] }, { registry }).triggers;
    const [b] = compileTriggerSet({ version: '2', triggers: [reordered] }, { registry }).triggers;
    const [c] = compileTriggerSet({ version: '1', triggers: [{ ...pinFailures, within: '11m' }] }, { registry }).triggers;
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(c.fingerprint).not.toBe(a.fingerprint);
  });

  it('finds the plain names a condition reads, skipping keywords, strings, paths and calls', () => {
    expect(referencedNames('abs(credit_card_balance) > credit_card_limit and not(card_locked) and context.channel = "age"')).toEqual([
      'credit_card_balance',
      'credit_card_limit',
      'card_locked',
      'context',
    ]);
    expect(referencedNames('list contains(triggers, "x") or string length(language) > 2 and age and abs(age) < date and time("2026-01-01T00:00:00")')).toEqual([
      'triggers',
      'language',
      'age',
    ]);
  });
});
