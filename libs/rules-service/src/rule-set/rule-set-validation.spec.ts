import { defaultFeatureRegistry } from '@kairos/profile';
import { adultCheckingTable, camundaDecisionTable } from '../testing/camunda-dmn';
import { compileRuleSet } from './compiled-rule-set';
import { ruleInputCatalog } from './rule-input-catalog';
import { blockingIssues, failedTestIssues, validateRuleSet } from './rule-set-validation';

const catalog = ruleInputCatalog(defaultFeatureRegistry());

describe('rule-set validation', () => {
  it('accepts a Camunda table reading registry features, plans its reads and runs its test cases', async () => {
    const ruleSet = await compileRuleSet('adult', 1, adultCheckingTable());
    expect(ruleSet.plans.get('Eligible')).toEqual({ decision: 'Eligible', names: ['age', 'holds_checking_account'], tableId: 'DecisionTable_eligible' });
    expect(ruleSet.plans.get('eligible')).toBe(ruleSet.plans.get('Eligible'));
    const validation = validateRuleSet(ruleSet, catalog, [
      { name: 'adult holder', decision: 'Eligible', inputs: { age: 30, holds_checking_account: true }, expected: true },
      { name: 'minor', decision: 'Eligible', inputs: { age: 16, holds_checking_account: true }, expected: true },
    ]);
    expect(validation.errors).toBe(0);
    expect(blockingIssues(validation)).toEqual([]);
    expect(validation.testResults.map((r) => [r.name, r.passed])).toEqual([
      ['adult holder', true],
      ['minor', false],
    ]);
    expect(failedTestIssues(validation)).toEqual([{ path: 'testCases.minor', rule: 'test_case_failed', message: "test case 'minor' failed: expected true, got false" }]);
  });

  it('names an input that is neither a feature nor a decision variable', async () => {
    const xml = camundaDecisionTable({ inputs: [{ expression: 'shoe_size', typeRef: 'integer' }, { expression: 'scores.churn', typeRef: 'double' }], rows: [{ id: 'r1', entries: ['> 40', '> 0.7'], output: 'true' }] });
    const validation = validateRuleSet(await compileRuleSet('odd', 1, xml), catalog, []);
    expect(blockingIssues(validation)).toEqual([{ path: 'inputs.shoe_size', rule: 'unknown_input', message: "input 'shoe_size' is neither a feature of the registry nor a decision variable" }]);
  });

  it('refuses overlapping rows under UNIQUE and FEEL errors; reports gaps as warnings', async () => {
    const overlapping = adultCheckingTable({
      rows: [
        { id: 'a', entries: ['>= 18', ''], output: 'true' },
        { id: 'b', entries: ['>= 21', 'true'], output: 'false' },
        { id: 'c', entries: ['< 18', ''], output: 'false' },
      ],
    });
    const issues = blockingIssues(validateRuleSet(await compileRuleSet('o', 1, overlapping), catalog, []));
    expect(issues.map((i) => i.rule)).toContain('overlap');

    const broken = adultCheckingTable({ rows: [{ id: 'x', entries: ['>= >= 18', ''], output: 'true' }] });
    expect(blockingIssues(validateRuleSet(await compileRuleSet('b', 1, broken), catalog, [])).map((i) => i.rule)).toContain('syntax_error');

    const gappy = adultCheckingTable({ rows: [{ id: 'adult_holder', entries: ['>= 18', 'true'], output: 'true' }] });
    const validation = validateRuleSet(await compileRuleSet('g', 1, gappy), catalog, []);
    expect(validation.errors).toBe(0);
    expect(validation.findings.filter((f) => f.severity === 'warning').map((f) => f.code)).toContain('GAP');
  });

  it('refuses a declared input type that does not fit the feature', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n">
  <inputData id="in_age" name="age"><variable id="v_age" name="age" typeRef="string"/></inputData>
  <decision id="adult" name="Adult"><variable id="v_adult" name="Adult" typeRef="boolean"/>
    <informationRequirement id="ir"><requiredInput href="#in_age"/></informationRequirement>
    <literalExpression id="le"><text>age = "18"</text></literalExpression>
  </decision>
</definitions>`;
    const issues = blockingIssues(validateRuleSet(await compileRuleSet('t', 1, xml), catalog, []));
    expect(issues).toEqual([{ path: 'inputs.age', rule: 'input_type', message: "input 'age' is declared string, but it is a number" }]);
  });
});
