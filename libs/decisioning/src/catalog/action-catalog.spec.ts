import { KairosError } from '@kairos/contracts';
import { actionDefinition, catalogDocument, registry, seedCatalog } from '../testing/decision-test-support';
import { compileActionCatalog } from './action-catalog';
import { splitConjunction } from './conjunction';

function issuesOf(document: unknown, isFeature = (name: string) => registry.has(name)): { path: string; rule: string }[] {
  try {
    compileActionCatalog(document, { isFeature, triggerIds: new Set(['known-trigger']) });
  } catch (error) {
    if (error instanceof KairosError) return error.issues.map(({ path, rule }) => ({ path, rule }));
    throw error;
  }
  throw new Error('the catalog was accepted');
}

describe('action catalog', () => {
  it('ships governance/actions.json, valid against the default feature registry', () => {
    const catalog = seedCatalog();
    expect(catalog.actions.map((a) => a.id)).toEqual([
      'card-unlock',
      'card-locked-letter',
      'credit-card-usage-nudge',
      'credit-card-recommendation',
      'installment-loan-offer',
      'debit-card-offer',
      'credit-limit-increase',
      'retention-offer',
    ]);
    expect(catalog.externalFeatures).toEqual(['days_past_due']);
    expect(catalog.actionsById.get('credit-card-recommendation')!.eligibility.map((c) => c.source)).toEqual(['holds_checking_account', 'not(holds_credit_card)', 'age >= 18']);
  });

  it('reports every problem with its path: unknown features, channels, campaigns, triggers, duplicate ids', () => {
    const issues = issuesOf(
      catalogDocument({
        actions: [
          actionDefinition('offer-a', { eligibility: 'holds_credit_kard', channels: ['app', 'push'], applicability: { triggers: ['unknown-trigger'] } }),
          actionDefinition('offer-a', { content: { campaign: 'missing' } }),
        ],
        channels: { app: { direction: 'inbound', consentChannel: 'app', quietHours: { from: '22:00', to: '07:00' } }, sms: { direction: 'outbound', consentChannel: 'sms' }, email: { direction: 'outbound', consentChannel: 'email' } },
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'channels.app.quietHours', rule: 'inbound_quiet_hours' },
        { path: 'actions[0].channels', rule: 'unknown_channel' },
        { path: 'actions[0].triggers[0]', rule: 'unknown_trigger' },
        { path: 'actions[0].eligibility', rule: 'unknown_feature' },
        { path: 'actions[1].id', rule: 'unique' },
        { path: 'actions[1].content.campaign', rule: 'unknown_campaign' },
      ]),
    );
    expect(issuesOf({ ...catalogDocument(), version: undefined })).toEqual([{ path: 'version', rule: 'invalid_type' }]);
  });

  it('accepts declared external features and decision variables in expressions', () => {
    const catalog = compileActionCatalog(
      catalogDocument({
        externalFeatures: [{ name: 'days_past_due', type: 'number', description: 'x' }],
        actions: [actionDefinition('offer-a', { eligibility: 'days_past_due = 0 and context.amount > 10 and channel = "app" and scores.churn < 0.5' })],
      }),
      { isFeature: (name) => registry.has(name) },
    );
    expect(catalog.actions[0].eligibility).toHaveLength(4);
  });

  it('splits eligibility at top-level and only', () => {
    expect(splitConjunction('a and (b or c) and not(d and e) and f = "x and y"')).toEqual(['a', '(b or c)', 'not(d and e)', 'f = "x and y"']);
    expect(splitConjunction('a and b or c')).toEqual(['a and b or c']);
    expect(splitConjunction('age between 18 and 30 and x')).toEqual(['age between 18 and 30 and x']);
    expect(splitConjunction('brand and android_version')).toEqual(['brand', 'android_version']);
  });
});
