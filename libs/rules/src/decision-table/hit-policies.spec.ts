import { compileDmn } from '../model/decision-model-compiler';
import { DecisionTableSpec, decisionTableXml } from '../testing/dmn-xml-builder';

/** One numeric input `score`, one string output; rules as [entry, output]. */
function scoreTable(hitPolicy: string, rules: [string, string][], extra: Partial<DecisionTableSpec> = {}): DecisionTableSpec {
  return {
    hitPolicy,
    inputs: [{ expression: 'score', typeRef: 'number' }],
    outputs: [{ name: 'Result', typeRef: 'string' }],
    rules,
    inputData: [{ name: 'score', typeRef: 'number' }],
    ...extra,
  };
}

async function evaluate(spec: DecisionTableSpec, inputs: Record<string, unknown>) {
  const model = await compileDmn(decisionTableXml(spec));
  return model.evaluate('Result', inputs);
}

const ruleIds = (result: { matchedRules: readonly { ruleId: string }[] }) => result.matchedRules.map((h) => h.ruleId);

describe('hit policy UNIQUE', () => {
  const table = scoreTable('UNIQUE', [
    ['< 50', '"low"'],
    ['[50..80)', '"mid"'],
    ['>= 80', '"high"'],
  ]);

  it('returns the output of the one matching rule and records it', async () => {
    const result = await evaluate(table, { score: 65 });
    expect(result.value).toBe('mid');
    expect(ruleIds(result)).toEqual(['rule-2']);
    expect(result.warnings).toEqual([]);
  });

  it('is the default policy when the table names none', async () => {
    const result = await evaluate({ ...table, hitPolicy: undefined }, { score: 90 });
    expect(result.value).toBe('high');
  });

  it('returns null with a HIT_POLICY_VIOLATION warning when two rules match', async () => {
    const overlapping = scoreTable('UNIQUE', [
      ['< 50', '"low"'],
      ['< 60', '"lowish"'],
    ]);
    const result = await evaluate(overlapping, { score: 10 });
    expect(result.value).toBeNull();
    expect(result.warnings.map((w) => w.code)).toEqual(['HIT_POLICY_VIOLATION']);
    expect(result.warnings[0].message).toContain('rules 1, 2');
  });

  it('returns null when nothing matches, or the default output entry when one is declared', async () => {
    const gappy = scoreTable('UNIQUE', [['> 100', '"off the chart"']]);
    expect((await evaluate(gappy, { score: 1 })).value).toBeNull();
    const withDefault = { ...gappy, outputs: [{ name: 'Result', typeRef: 'string', defaultEntry: '"none"' }] };
    const result = await evaluate(withDefault, { score: 1 });
    expect(result.value).toBe('none');
    expect(result.matchedRules).toEqual([]);
  });
});

describe('hit policy FIRST', () => {
  it('returns the first matching rule in rule order', async () => {
    const table = scoreTable('FIRST', [
      ['> 90', '"gold"'],
      ['> 50', '"silver"'],
      ['-', '"bronze"'],
    ]);
    expect((await evaluate(table, { score: 95 })).value).toBe('gold');
    const silver = await evaluate(table, { score: 60 });
    expect(silver.value).toBe('silver');
    expect(ruleIds(silver)).toEqual(['rule-2']);
    expect((await evaluate(table, { score: 1 })).value).toBe('bronze');
  });
});

describe('hit policy PRIORITY', () => {
  it('picks the output listed first in the output values, not the first rule', async () => {
    const table: DecisionTableSpec = {
      ...scoreTable('PRIORITY', [
        ['> 0', '"approve"'],
        ['> 50', '"refer"'],
        ['> 90', '"decline"'],
      ]),
      outputs: [{ name: 'Result', typeRef: 'string', outputValues: '"decline", "refer", "approve"' }],
    };
    expect((await evaluate(table, { score: 95 })).value).toBe('decline');
    const refer = await evaluate(table, { score: 60 });
    expect(refer.value).toBe('refer');
    expect(ruleIds(refer)).toEqual(['rule-2']);
    expect((await evaluate(table, { score: 10 })).value).toBe('approve');
  });

  it('ranks multi-output rows by the first output with output values, then the next', async () => {
    const table: DecisionTableSpec = {
      hitPolicy: 'PRIORITY',
      inputs: [{ expression: 'score', typeRef: 'number' }],
      outputs: [
        { name: 'Action', typeRef: 'string', outputValues: '"stop", "go"' },
        { name: 'Channel', typeRef: 'string', outputValues: '"call", "mail"' },
      ],
      rules: [
        ['> 0', '"go"', '"call"'],
        ['> 10', '"stop"', '"mail"'],
        ['> 20', '"stop"', '"call"'],
      ],
    };
    const model = await compileDmn(decisionTableXml(table));
    expect(model.evaluate('Result', { score: 30 }).value).toEqual({ Action: 'stop', Channel: 'call' });
    expect(model.evaluate('Result', { score: 15 }).value).toEqual({ Action: 'stop', Channel: 'mail' });
    expect(model.evaluate('Result', { score: 5 }).value).toEqual({ Action: 'go', Channel: 'call' });
  });
});

describe('hit policy ANY', () => {
  const table = scoreTable('ANY', [
    ['> 50', '"yes"'],
    ['> 70', '"yes"'],
    ['> 90', '"no"'],
  ]);

  it('returns the shared output when every matching rule agrees', async () => {
    const result = await evaluate(table, { score: 80 });
    expect(result.value).toBe('yes');
    expect(ruleIds(result)).toEqual(['rule-1', 'rule-2']);
  });

  it('returns null with a warning when matching rules disagree', async () => {
    const result = await evaluate(table, { score: 95 });
    expect(result.value).toBeNull();
    expect(result.warnings[0]).toMatchObject({ code: 'HIT_POLICY_VIOLATION', element: 'Result' });
  });
});

describe('hit policy COLLECT', () => {
  const rules: [string, string][] = [
    ['> 1', '10'],
    ['> 2', '20'],
    ['> 3', '20'],
    ['> 4', '5'],
  ];
  const collect = (aggregation?: string) => ({
    ...scoreTable('COLLECT', rules, { aggregation }),
    outputs: [{ name: 'Result', typeRef: 'number' }],
  });

  it('without aggregation returns all outputs in rule order', async () => {
    const result = await evaluate(collect(), { score: 5 });
    expect(result.value).toEqual([10, 20, 20, 5]);
    expect(ruleIds(result)).toEqual(['rule-1', 'rule-2', 'rule-3', 'rule-4']);
  });

  it.each([
    ['SUM', 55],
    ['MIN', 5],
    ['MAX', 20],
    ['COUNT', 3],
  ])('aggregates with %s (COUNT counts distinct outputs)', async (aggregation, expected) => {
    expect((await evaluate(collect(aggregation), { score: 5 })).value).toBe(expected);
  });

  it('with no match gives null, except COUNT which gives 0', async () => {
    expect((await evaluate(collect('SUM'), { score: 0 })).value).toBeNull();
    expect((await evaluate(collect('MAX'), { score: 0 })).value).toBeNull();
    expect((await evaluate(collect('COUNT'), { score: 0 })).value).toBe(0);
    expect((await evaluate(collect(), { score: 0 })).value).toBeNull();
  });

  it('aggregates each output column of a multi-output table', async () => {
    const table: DecisionTableSpec = {
      hitPolicy: 'COLLECT',
      aggregation: 'SUM',
      inputs: [{ expression: 'score', typeRef: 'number' }],
      outputs: [
        { name: 'Points', typeRef: 'number' },
        { name: 'Bonus', typeRef: 'number' },
      ],
      rules: [
        ['> 1', '1', '100'],
        ['> 2', '2', '200'],
      ],
    };
    const model = await compileDmn(decisionTableXml(table));
    expect(model.evaluate('Result', { score: 3 }).value).toEqual({ Points: 3, Bonus: 300 });
  });
});

describe('hit policy RULE ORDER', () => {
  it('returns every matching output in rule order, as contexts for several outputs', async () => {
    const table: DecisionTableSpec = {
      hitPolicy: 'RULE ORDER',
      inputs: [{ expression: 'score', typeRef: 'number' }],
      outputs: [
        { name: 'Offer', typeRef: 'string' },
        { name: 'Rank', typeRef: 'number' },
      ],
      rules: [
        ['> 50', '"card"', '2'],
        ['> 10', '"loan"', '1'],
        ['> 90', '"mortgage"', '3'],
      ],
    };
    const model = await compileDmn(decisionTableXml(table));
    const result = model.evaluate('Result', { score: 60 });
    expect(result.value).toEqual([
      { Offer: 'card', Rank: 2 },
      { Offer: 'loan', Rank: 1 },
    ]);
    expect(ruleIds(result)).toEqual(['rule-1', 'rule-2']);
  });
});

describe('hit policy OUTPUT ORDER', () => {
  it('returns every matching output sorted by output-value priority, ties in rule order', async () => {
    const table: DecisionTableSpec = {
      ...scoreTable('OUTPUT ORDER', [
        ['> 0', '"approve"'],
        ['> 50', '"refer"'],
        ['> 60', '"decline"'],
        ['> 70', '"refer"'],
      ]),
      outputs: [{ name: 'Result', typeRef: 'string', outputValues: '"decline", "refer", "approve"' }],
    };
    const result = await evaluate(table, { score: 80 });
    expect(result.value).toEqual(['decline', 'refer', 'refer', 'approve']);
    expect(ruleIds(result)).toEqual(['rule-3', 'rule-2', 'rule-4', 'rule-1']);
  });
});

describe('decision table inputs', () => {
  it('evaluates an input value that does not match its column type as null, with a warning', async () => {
    const table = scoreTable('FIRST', [
      ['< 50', '"low"'],
      ['null', '"missing"'],
      ['-', '"other"'],
    ]);
    const result = await evaluate(table, { score: 'seventy' });
    expect(result.value).toBe('missing');
    expect(result.warnings.map((w) => w.code)).toEqual(['INPUT_TYPE_MISMATCH']);
    expect(result.warnings[0].message).not.toContain('seventy');
  });

  it('treats an empty cell like "-" (Camunda writes empty cells)', async () => {
    const result = await evaluate(scoreTable('UNIQUE', [['', '"any"']]), { score: 3 });
    expect(result.value).toBe('any');
  });

  it('reads several inputs and multi-word names', async () => {
    const table: DecisionTableSpec = {
      hitPolicy: 'UNIQUE',
      inputs: [
        { expression: 'Customer Age', typeRef: 'number' },
        { expression: 'Risk Category', typeRef: 'string', inputValues: '"High","Low"' },
        { expression: 'is Affordable', typeRef: 'boolean' },
      ],
      outputs: [{ name: 'Result', typeRef: 'string' }],
      rules: [
        ['>= 18', '"Low"', 'true', '"Approved"'],
        ['>= 18', '"High"', '-', '"Declined"'],
        ['< 18', '-', '-', '"Declined"'],
        ['>= 18', '"Low"', 'false', '"Declined"'],
      ],
      inputData: [
        { name: 'Customer Age', typeRef: 'number' },
        { name: 'Risk Category', typeRef: 'string' },
        { name: 'is Affordable', typeRef: 'boolean' },
      ],
    };
    const model = await compileDmn(decisionTableXml(table));
    expect(model.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(model.evaluate('Result', { 'Customer Age': 30, 'Risk Category': 'Low', 'is Affordable': true }).value).toBe('Approved');
    // Not one of the column's input values: the value is null, so only the dash rows could match.
    const outside = model.evaluate('Result', { 'Customer Age': 30, 'Risk Category': 'Medium', 'is Affordable': true });
    expect(outside.value).toBeNull();
    expect(outside.warnings.map((w) => w.code)).toEqual(['INPUT_TYPE_MISMATCH']);
  });
});
