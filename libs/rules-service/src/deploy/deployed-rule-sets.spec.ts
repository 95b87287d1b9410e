import { adultCheckingTable } from '../testing/camunda-dmn';
import { compileRuleSet } from '../rule-set/compiled-rule-set';
import { DeployedRuleSets } from './deployed-rule-sets';

describe('DeployedRuleSets (the RuleSource)', () => {
  it('evaluates a deployed decision reading only the names it needs, with version, table and rows', async () => {
    const source = new DeployedRuleSets();
    expect(source.evaluate('adult', 'Eligible', () => null)).toBeNull();
    source.install(await compileRuleSet('adult', 3, adultCheckingTable()), 1);
    const reads: string[] = [];
    const values: Record<string, unknown> = { age: 30, holds_checking_account: true };
    const outcome = source.evaluate('adult', 'Eligible', (name) => (reads.push(name), values[name]));
    expect(outcome).toEqual({ value: true, version: '3', tableId: 'DecisionTable_eligible', ruleIds: ['adult_holder'] });
    expect(reads).toEqual(['age', 'holds_checking_account']);
    expect(source.evaluate('adult', 'NoSuchDecision', () => null)).toBeNull();
  });

  it('swaps whole states: a newer install wins, an older poll result is ignored, removal stops serving', async () => {
    const source = new DeployedRuleSets();
    const v1 = await compileRuleSet('adult', 1, adultCheckingTable());
    const v2 = await compileRuleSet('adult', 2, adultCheckingTable({ rows: [{ id: 'everyone', entries: ['-', '-'], output: 'true' }] }));
    source.install(v2, 5);
    expect(source.replaceAll([v1], 4)).toBe(false);
    expect(source.evaluate('adult', 'Eligible', () => 10)?.version).toBe('2');
    expect(source.replaceAll([v1], 6)).toBe(true);
    expect(source.versions()).toEqual(new Map([['adult', 1]]));
    source.remove('adult', 7);
    expect(source.evaluate('adult', 'Eligible', () => 10)).toBeNull();
  });
});
