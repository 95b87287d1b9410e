import { compileDmn } from '../model/decision-model-compiler';
import { DecisionTableSpec, decisionTableXml, literalDecisionsXml } from '../testing/dmn-xml-builder';
import type { FindingCode, ValidationFinding } from './validation-finding';

async function findings(spec: DecisionTableSpec): Promise<readonly ValidationFinding[]> {
  return (await compileDmn(decisionTableXml(spec))).findings;
}

const only = (list: readonly ValidationFinding[], code: FindingCode) => list.filter((f) => f.code === code);

const ageRisk = (hitPolicy: string, rules: string[][], extra: Partial<DecisionTableSpec> = {}): DecisionTableSpec => ({
  hitPolicy,
  inputs: [
    { expression: 'Age', typeRef: 'number' },
    { expression: 'Risk', typeRef: 'string', inputValues: '"High","Medium","Low"' },
  ],
  outputs: [{ name: 'Result', typeRef: 'string' }],
  rules,
  inputData: [
    { name: 'Age', typeRef: 'number' },
    { name: 'Risk', typeRef: 'string' },
  ],
  ...extra,
});

describe('overlap under UNIQUE', () => {
  it('reports overlapping rules as an error naming both rule ids and an input where both match', async () => {
    const list = await findings(
      ageRisk('UNIQUE', [
        ['< 18', '-', '"Declined"'],
        ['>= 18', '"High"', '"Declined"'],
        ['[16..30]', '"Low","Medium"', '"Approved"'],
        ['> 30', '"Low","Medium"', '"Approved"'],
      ]),
    );
    const overlaps = only(list, 'OVERLAP');
    expect(overlaps).toHaveLength(1);
    expect(overlaps[0]).toMatchObject({ severity: 'error', tableId: 'table', element: 'Result', ruleIds: ['rule-1', 'rule-3'] });
    expect(overlaps[0].message).toContain('Age is [16..18)');
    expect(overlaps[0].message).toContain('Risk is "Medium", "Low"');
  });

  it('reports nothing for disjoint rules that cover every input', async () => {
    const list = await findings(
      ageRisk('UNIQUE', [
        ['< 18', '-', '"Declined"'],
        ['>= 18', '"High"', '"Declined"'],
        ['>= 18', 'not("High")', '"Approved"'],
      ]),
    );
    expect(list).toEqual([]);
  });

  it('does not claim an overlap it cannot prove (entries that are not constants)', async () => {
    const list = await findings(
      ageRisk('UNIQUE', [
        ['< limit', '-', '"A"'],
        ['>= 18', '-', '"B"'],
      ], { inputData: [{ name: 'Age', typeRef: 'number' }, { name: 'Risk', typeRef: 'string' }, { name: 'limit', typeRef: 'number' }] }),
    );
    expect(only(list, 'OVERLAP')).toEqual([]);
    expect(only(list, 'ANALYSIS_SKIPPED')).toHaveLength(1);
  });
});

describe('report size', () => {
  it('lists the first 50 findings of a kind per table and sums up the rest', async () => {
    const rules = Array.from({ length: 12 }, (_, i) => ['< 100', '-', `"r${i}"`]);
    const overlaps = only(await findings(ageRisk('UNIQUE', rules)), 'OVERLAP');
    expect(overlaps).toHaveLength(51);
    expect(overlaps[50]).toMatchObject({ severity: 'error', ruleIds: [], message: '16 more OVERLAP findings in this table are not listed' });
  });
});

describe('overlap under ANY', () => {
  it('is fine when outputs agree and an error when they differ', async () => {
    const agreeing = await findings(ageRisk('ANY', [['< 30', '-', '"x"'], ['< 20', '-', '"x"'], ['>= 30', '-', '"y"']]));
    expect(only(agreeing, 'CONFLICTING_OUTPUTS')).toEqual([]);
    const conflicting = await findings(ageRisk('ANY', [['< 30', '-', '"x"'], ['< 20', '-', '"z"'], ['>= 30', '-', '"y"']]));
    expect(only(conflicting, 'CONFLICTING_OUTPUTS')).toMatchObject([{ severity: 'error', ruleIds: ['rule-1', 'rule-2'] }]);
  });
});

describe('unreachable rules under FIRST', () => {
  it('reports a rule fully shadowed by an earlier one', async () => {
    const list = await findings(
      ageRisk('FIRST', [
        ['>= 18', '-', '"adult"'],
        ['>= 21', '"Low"', '"adult, low risk"'],
        ['< 18', '-', '"minor"'],
      ]),
    );
    const unreachable = only(list, 'UNREACHABLE_RULE');
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]).toMatchObject({ severity: 'warning', ruleIds: ['rule-2', 'rule-1'] });
    expect(unreachable[0].message).toContain('rule 2 can never fire');
  });

  it('reports a rule covered only by several earlier rules together', async () => {
    const list = await findings(
      ageRisk('FIRST', [
        ['< 40', '-', '"young"'],
        ['>= 40', '"High"', '"old, risky"'],
        ['>= 40', '"Medium","Low"', '"old"'],
        ['[30..50]', '-', '"middle"'],
      ]),
    );
    expect(only(list, 'UNREACHABLE_RULE')).toMatchObject([{ ruleIds: ['rule-4', 'rule-1', 'rule-2', 'rule-3'] }]);
  });

  it('does not report a rule that earlier rules cover only in part', async () => {
    const list = await findings(
      ageRisk('FIRST', [
        ['< 40', '"High"', '"a"'],
        ['[30..50]', '-', '"b"'],
        ['-', '-', '"c"'],
      ]),
    );
    expect(only(list, 'UNREACHABLE_RULE')).toEqual([]);
  });

  it('is not reported for other hit policies, where later rules still count', async () => {
    const list = await findings(ageRisk('RULE ORDER', [['>= 18', '-', '"a"'], ['>= 21', '-', '"b"'], ['< 18', '-', '"c"']]));
    expect(only(list, 'UNREACHABLE_RULE')).toEqual([]);
  });
});

describe('gaps', () => {
  it('reports input combinations no rule matches as warnings', async () => {
    const list = await findings(
      ageRisk('UNIQUE', [
        ['< 18', '-', '"minor"'],
        ['> 18', '"High"', '"no"'],
        ['> 18', '"Low"', '"yes"'],
      ]),
    );
    const gaps = only(list, 'GAP').map((g) => g.message);
    expect(gaps).toEqual(['no rule matches when Age is 18', 'no rule matches when Age is > 18, Risk is "Medium"']);
    expect(only(list, 'GAP').every((g) => g.severity === 'warning')).toBe(true);
  });

  it('are not reported when the outputs have default entries', async () => {
    const list = await findings({
      ...ageRisk('UNIQUE', [['< 18', '-', '"minor"']]),
      outputs: [{ name: 'Result', typeRef: 'string', defaultEntry: '"adult"' }],
    });
    expect(only(list, 'GAP')).toEqual([]);
  });

  it('treat dates as whole days, so adjacent day ranges leave no gap', async () => {
    const list = await findings({
      hitPolicy: 'UNIQUE',
      inputs: [{ expression: 'Opened', typeRef: 'date' }],
      outputs: [{ name: 'Result', typeRef: 'string' }],
      rules: [
        ['< date("2024-01-01")', '"old"'],
        ['[date("2024-01-01")..date("2024-06-30")]', '"recent"'],
        ['>= date("2024-07-01")', '"new"'],
      ],
      inputData: [{ name: 'Opened', typeRef: 'date' }],
    });
    expect(list).toEqual([]);
  });

  it('cover boolean columns', async () => {
    const list = await findings({
      hitPolicy: 'FIRST',
      inputs: [{ expression: 'Flag', typeRef: 'boolean' }],
      outputs: [{ name: 'Result', typeRef: 'string' }],
      rules: [['true', '"on"']],
      inputData: [{ name: 'Flag', typeRef: 'boolean' }],
    });
    expect(only(list, 'GAP').map((g) => g.message)).toEqual(['no rule matches when Flag is false']);
  });
});

describe('type and value checks', () => {
  it('reports an input entry whose constants have another type than the column', async () => {
    const list = await findings(ageRisk('UNIQUE', [['"eighteen"', '-', '"x"']]));
    expect(only(list, 'TYPE_MISMATCH')).toMatchObject([
      { severity: 'error', ruleIds: ['rule-1'], message: "rule 1: input 'Age' is number but the entry tests a string" },
    ]);
  });

  it('reports an input expression typed differently from the input data it reads', async () => {
    const list = await findings({
      ...ageRisk('UNIQUE', [['< 18', '-', '"x"']]),
      inputData: [{ name: 'Age', typeRef: 'string' }, { name: 'Risk', typeRef: 'string' }],
    });
    expect(only(list, 'TYPE_MISMATCH')[0].message).toBe("input 'Age' is declared number but its expression is string");
  });

  it('reports output entries of the wrong type and outside the output values', async () => {
    const list = await findings({
      ...ageRisk('UNIQUE', [['< 18', '-', '42'], ['>= 18', '-', '"Maybe"']]),
      outputs: [{ name: 'Result', typeRef: 'string', outputValues: '"Yes","No"' }],
    });
    expect(only(list, 'TYPE_MISMATCH')).toMatchObject([{ ruleIds: ['rule-1'] }]);
    expect(only(list, 'NOT_ALLOWED_VALUE').map((f) => f.message)).toEqual([
      "rule 1: output 'Result' entry 42 is not one of its output values",
      `rule 2: output 'Result' entry "Maybe" is not one of its output values`,
    ]);
  });

  it('reports input entries outside the declared input values', async () => {
    const list = await findings(ageRisk('UNIQUE', [['-', '"Hgh"', '"x"']]));
    expect(only(list, 'NOT_ALLOWED_VALUE')).toMatchObject([{ ruleIds: ['rule-1'], message: `rule 1: "Hgh" is not an input value of 'Risk'` }]);
  });

  it('reports syntax errors, unknown types and unknown functions as errors, undeclared names as warnings', async () => {
    const list = await findings({
      hitPolicy: 'UNIQUE',
      inputs: [
        { expression: 'Score', typeRef: 'money' },
        { expression: 'Undeclared Feature' },
      ],
      outputs: [{ name: 'Result' }],
      rules: [['< (18', '-', 'frobnicate(1)']],
    });
    expect(only(list, 'SYNTAX_ERROR')).toMatchObject([{ severity: 'error', ruleIds: ['rule-1'] }]);
    expect(only(list, 'UNKNOWN_TYPE')).toMatchObject([{ severity: 'error', message: "type 'money' is not defined" }]);
    expect(only(list, 'UNKNOWN_FUNCTION')).toMatchObject([{ severity: 'error', message: "function 'frobnicate' is not known" }]);
    expect(only(list, 'UNKNOWN_NAME').map((f) => f.severity)).toEqual(['warning', 'warning']);
  });

  it('reports a literal expression whose type contradicts the decision type', async () => {
    const xml = literalDecisionsXml({ Greeting: '"Hello " + name' }, [{ name: 'name', typeRef: 'string' }]).replace(
      '<variable name="Greeting"/>',
      '<variable name="Greeting" typeRef="number"/>',
    );
    const model = await compileDmn(xml);
    expect(only(model.findings, 'TYPE_MISMATCH')).toMatchObject([{ element: 'Greeting', message: "'Greeting' is declared number but its logic gives string" }]);
  });
});
