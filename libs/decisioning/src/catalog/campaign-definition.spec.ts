import { KairosError } from '@kairos/contracts';
import { catalogDocument, registry } from '../testing/decision-test-support';
import { compileActionCatalog } from './action-catalog';
import { checkCampaignDefinition } from './campaign-definition';

const catalog = compileActionCatalog(catalogDocument({ externalFeatures: [{ name: 'days_past_due', type: 'number', description: 'from collections' }] }), { isFeature: (name) => registry.has(name) });
const check = (fields: Record<string, unknown>) =>
  checkCampaignDefinition(
    {
      id: 'spring-savings',
      description: 'spring',
      channel: 'email',
      segment: 'logins_count_30d >= 1 and days_past_due = 0',
      variants: [{ id: 'fee-waiver', contentRef: 'fee-waiver-copy' }],
      controlShare: 0.1,
      goal: { event: { type: 'message_clicked' }, within: '7d' },
      ...fields,
    },
    { catalog, isFeature: (name) => registry.has(name) },
  );
const issuesOf = (fields: Record<string, unknown>): string[] => {
  try {
    check(fields);
    return [];
  } catch (error) {
    return (error as KairosError).issues.map((issue) => `${issue.path}:${issue.rule}`);
  }
};

describe('campaign definitions authored over HTTP', () => {
  it('compiles a valid campaign with the catalog code: segment over features and the catalog\u2019s external ones, goal window', () => {
    const { definition, compiled } = check({ startsAt: '2027-03-01T00:00:00Z', endsAt: '2027-04-01T00:00:00Z' });
    expect(definition.channel).toBe('email');
    expect(compiled).toMatchObject({ id: 'spring-savings', goalWithinMs: 7 * 86_400_000, startsAtMs: Date.parse('2027-03-01T00:00:00Z') });
    expect(compiled.segment?.names).toEqual(expect.arrayContaining(['logins_count_30d', 'days_past_due']));
  });

  it('names the field and the rule of every problem, under campaign.', () => {
    expect(issuesOf({ segment: 'no_such_feature > 1' })).toEqual(['campaign.segment:unknown_feature']);
    expect(issuesOf({ channel: 'app' })).toEqual(['campaign.channel:outbound_channel']);
    expect(issuesOf({ channel: 'pigeon' })).toEqual(['campaign.channel:invalid_value']);
    expect(issuesOf({ startsAt: '2027-04-01T00:00:00Z', endsAt: '2027-03-01T00:00:00Z' })).toEqual(['campaign.endsAt:after_start']);
    expect(issuesOf({ goal: { event: { type: 'message_clicked' }, within: 'forever' } })).toEqual([expect.stringMatching(/^campaign\.goal\.within:/)]);
    expect(issuesOf({ variants: [{ id: 'a-variant', contentRef: 'x' }, { id: 'a-variant', contentRef: 'y' }] })).toEqual(['campaign.variants:unique']);
    expect(issuesOf({ maxAudience: 0 })).toEqual(['campaign.maxAudience:too_small']);
    expect(issuesOf({ budget: 5 })).toEqual(['campaign:unrecognized_keys']);
  });
});
