import { decide } from '../pipeline/decide';
import { T0, actionDefinition, catalogDocument, fixedInputs, reasonsOf, registry } from '../testing/decision-test-support';
import { compileActionCatalog } from './action-catalog';
import { compileAuthoredCampaign } from './campaign-definition';
import { LiveActionCatalog } from './live-action-catalog';

const base = compileActionCatalog(catalogDocument({ actions: [actionDefinition('welcome-mail', { channels: ['email'] })] }), { isFeature: (name) => registry.has(name) });
const authored = (fields: Record<string, unknown> = {}, version = 1) => ({
  ...compileAuthoredCampaign(
    {
      id: 'spring-savings',
      description: 'spring savings',
      channel: 'email',
      segment: 'holds_checking_account',
      variants: [
        { id: 'fee-waiver', contentRef: 'fee-waiver-copy' },
        { id: 'bonus-interest', contentRef: 'bonus-interest-copy' },
      ],
      controlShare: 0,
      goal: { event: { type: 'message_clicked' }, within: '7d' },
      ...fields,
    },
    { catalog: base, isFeature: (name) => registry.has(name) },
  ),
  version,
});
const decideOn = (catalog: LiveActionCatalog, features: Record<string, unknown>) =>
  decide(catalog, { decisionId: 'dec-live-1', customerId: 'c-1', channels: ['email'], limit: 5, nowMs: T0 }, fixedInputs(features));

describe('the live action catalog: authored campaigns join and leave while the process runs', () => {
  it('serves an installed campaign as an action of its id on its channel, with a variant, to its segment only', () => {
    const live = new LiveActionCatalog(base);
    expect(decideOn(live, { holds_checking_account: true }).actions.map((a) => a.actionId)).toEqual(['welcome-mail']);

    expect(live.install([authored()])).toBe(true);
    const served = decideOn(live, { holds_checking_account: true });
    const action = served.actions.find((a) => a.actionId === 'spring-savings');
    expect(action).toMatchObject({ channel: 'email', content: { campaignId: 'spring-savings', variantId: expect.stringMatching(/^(fee-waiver|bonus-interest)$/) } });
    expect(served.catalogVersion).toBe('spec+campaigns:spring-savings@1');
    expect(reasonsOf(decideOn(live, { holds_checking_account: false }), 'spring-savings')).toEqual(['*:not_in_segment:spring-savings']);

    // Retired: gone from decisions, still known for goal attribution of earlier exposures.
    expect(live.install([])).toBe(true);
    expect(decideOn(live, { holds_checking_account: true }).actions.map((a) => a.actionId)).toEqual(['welcome-mail']);
    expect(live.current()).toBe(base);
    expect(live.attributable.has('spring-savings')).toBe(true);
    expect(live.generation).toBe(2);
  });

  it('swaps only when the set of versions changes, and the fingerprint follows the set', () => {
    const live = new LiveActionCatalog(base);
    expect(live.install([authored()])).toBe(true);
    const first = live.current();
    expect(live.install([authored()])).toBe(false);
    expect(live.current()).toBe(first);
    expect(live.install([authored({ maxAudience: 10 }, 2)])).toBe(true);
    expect(live.activeVersions()).toEqual(['spring-savings@2']);
    expect(live.fingerprint).not.toBe(first.fingerprint);
    expect(live.fingerprint).not.toBe(base.fingerprint);
    expect(live.generation).toBe(2);
  });

  it('leaves out an authored campaign whose id a catalog action has', () => {
    const live = new LiveActionCatalog(base);
    expect(live.install([authored({ id: 'welcome-mail' })])).toBe(false);
    expect(live.actions).toBe(base.actions);
    expect(live.actionsById.get('welcome-mail')?.campaign).toBeNull();
  });
});
