import { KairosError } from '@kairos/contracts';
import { FeelDate } from '../feel/feel-values';
import { DMN13, decisionTableXml, literalDecisionsXml } from '../testing/dmn-xml-builder';
import { compileDmn } from './decision-model-compiler';

const LOAN_TYPES = `
  <itemDefinition name="tStatus"><typeRef>string</typeRef><allowedValues><text>"EMPLOYED","STUDENT"</text></allowedValues></itemDefinition>
  <itemDefinition name="tLoan">
    <itemComponent name="amount"><typeRef>number</typeRef></itemComponent>
    <itemComponent name="rate"><typeRef>number</typeRef></itemComponent>
    <itemComponent name="start"><typeRef>date</typeRef></itemComponent>
  </itemDefinition>`;

const PMT_BKM = `
  <businessKnowledgeModel id="b_PMT" name="PMT">
    <variable name="PMT"/>
    <encapsulatedLogic>
      <formalParameter name="p" typeRef="number"/><formalParameter name="r" typeRef="number"/><formalParameter name="n" typeRef="number"/>
      <literalExpression><text>(p*r/12)/(1-(1+r/12)**-n)</text></literalExpression>
    </encapsulatedLogic>
  </businessKnowledgeModel>`;

describe('input data', () => {
  it('checks values against their declared type and reads a mismatch as null, without echoing the value', async () => {
    const model = await compileDmn(literalDecisionsXml({ Doubled: 'x * 2' }, [{ name: 'x', typeRef: 'number' }]));
    expect(model.evaluate('Doubled', { x: 21 }).value).toBe(42);
    const bad = model.evaluate('Doubled', { x: '21' });
    expect(bad.value).toBeNull();
    expect(bad.warnings).toEqual([{ code: 'INPUT_TYPE_MISMATCH', element: 'x', message: "input 'x' is not a number" }]);
    expect(model.evaluate('Doubled', {}).value).toBeNull();
  });

  it('enforces allowed values of item definitions', async () => {
    const model = await compileDmn(literalDecisionsXml({ Statement: '"You are " + Status' }, [{ name: 'Status', typeRef: 'tStatus' }], LOAN_TYPES));
    expect(model.evaluate('Statement', { Status: 'EMPLOYED' }).value).toBe('You are EMPLOYED');
    const outside = model.evaluate('Statement', { Status: 'RETIRED' });
    expect(outside.value).toBeNull();
    expect(outside.warnings.map((w) => w.code)).toEqual(['INPUT_TYPE_MISMATCH']);
  });

  it('reads structures by component and turns ISO date strings into dates where the model says date', async () => {
    const model = await compileDmn(
      literalDecisionsXml({ Interest: 'Loan.amount * Loan.rate', Year: 'Loan.start.year' }, [{ name: 'Loan', typeRef: 'tLoan' }], LOAN_TYPES),
    );
    const loan = { amount: 1000, rate: 0.05, start: '2024-03-01' };
    expect(model.evaluate('Interest', { Loan: loan }).value).toBe(50);
    expect(model.evaluate('Year', { Loan: loan }).value).toBe(2024);
    expect(model.evaluate('Year', { Loan: { ...loan, start: 'soon' } }).value).toBeNull();
  });
});

describe('decision requirements', () => {
  const xml = decisionTableXml({
    decision: 'Offer',
    hitPolicy: 'FIRST',
    inputs: [{ expression: 'Risk Band', typeRef: 'string' }],
    outputs: [{ name: 'Offer', typeRef: 'string' }],
    rules: [
      ['"A"', '"premium card"'],
      ['-', '"standard card"'],
    ],
    inputData: [{ name: 'Score', typeRef: 'number' }],
    extraElements: `
  <decision id="band" name="Risk Band">
    <variable name="Risk Band" typeRef="string"/>
    <informationRequirement id="ir1"><requiredInput href="#data-Score"/></informationRequirement>
    <decisionTable id="bandTable" hitPolicy="UNIQUE">
      <input id="b1"><inputExpression typeRef="number"><text>Score</text></inputExpression></input>
      <output id="bo"/>
      <rule id="band-a"><inputEntry id="e1"><text>&gt;= 700</text></inputEntry><outputEntry id="o1"><text>"A"</text></outputEntry></rule>
      <rule id="band-b"><inputEntry id="e2"><text>&lt; 700</text></inputEntry><outputEntry id="o2"><text>"B"</text></outputEntry></rule>
    </decisionTable>
  </decision>`,
  });

  it('evaluates required decisions first and records every matched rule in evaluation order', async () => {
    const model = await compileDmn(xml);
    const result = model.evaluate('Offer', { Score: 750 });
    expect(result.value).toBe('premium card');
    expect(result.matchedRules.map((h) => `${h.decision}/${h.ruleId}#${h.ruleNumber}`)).toEqual(['Risk Band/band-a#1', 'Offer/rule-1#1']);
    expect(model.decisions.find((d) => d.name === 'Offer')).toMatchObject({ logic: 'decisionTable', inputs: ['Score'], requiredDecisions: ['Risk Band'] });
  });

  it('keeps results independent across evaluations of one model', async () => {
    const model = await compileDmn(xml);
    const first = model.evaluate('Offer', { Score: 750 });
    const second = model.evaluate('Offer', { Score: 100 });
    expect(first.matchedRules.map((h) => h.ruleId)).toEqual(['band-a', 'rule-1']);
    expect(second.matchedRules.map((h) => h.ruleId)).toEqual(['band-b', 'rule-2']);
    expect(second.value).toBe('standard card');
  });

  it('evaluates one table alone, reading required decisions from the inputs', async () => {
    const model = await compileDmn(xml);
    expect(model.evaluateTable('table', { 'Risk Band': 'A' }).value).toBe('premium card');
    expect(model.evaluateTable('Offer', { 'Risk Band': 'B', Score: 999 }).value).toBe('standard card');
    expect(model.evaluateTable('bandTable', { Score: 10 }).value).toBe('B');
  });

  it('throws NOT_FOUND for an unknown decision or table', async () => {
    const model = await compileDmn(xml);
    expect(() => model.evaluate('Nope', {})).toThrow(KairosError);
    expect(() => model.evaluate('Nope', {})).toThrow("decision 'Nope' is not in model");
    expect(() => model.evaluateTable('nope', {})).toThrow('is not in model');
  });
});

describe('business knowledge models', () => {
  it('are invoked from FEEL with positional and named arguments', async () => {
    const model = await compileDmn(
      literalDecisionsXml({ Payment: 'PMT(amount, 0.0375, 360)', Named: 'PMT(n: 360, r: 0.0375, p: amount)' }, [{ name: 'amount', typeRef: 'number' }], PMT_BKM),
    );
    expect(model.evaluate('Payment', { amount: 600000 }).value).toBeCloseTo(2778.69354943277, 8);
    expect(model.evaluate('Named', { amount: 600000 }).value).toBeCloseTo(2778.69354943277, 8);
  });

  it('are invoked by boxed invocations, and may have a decision table as body', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="${DMN13}" id="m" name="m" namespace="https://kairos.dev/spec">${PMT_BKM}
  <businessKnowledgeModel id="b_fee" name="Fee">
    <variable name="Fee"/>
    <encapsulatedLogic>
      <formalParameter name="segment" typeRef="string"/>
      <decisionTable id="feeTable" hitPolicy="UNIQUE">
        <input id="f1"><inputExpression typeRef="string"><text>segment</text></inputExpression></input>
        <output id="fo" typeRef="number"/>
        <rule id="f-r1"><inputEntry id="fe1"><text>"private"</text></inputEntry><outputEntry id="fo1"><text>0</text></outputEntry></rule>
        <rule id="f-r2"><inputEntry id="fe2"><text>not("private")</text></inputEntry><outputEntry id="fo2"><text>100</text></outputEntry></rule>
      </decisionTable>
    </encapsulatedLogic>
  </businessKnowledgeModel>
  <decision id="d1" name="Monthly">
    <variable name="Monthly" typeRef="number"/>
    <invocation>
      <literalExpression><text>PMT</text></literalExpression>
      <binding><parameter name="p"/><literalExpression><text>amount</text></literalExpression></binding>
      <binding><parameter name="r"/><literalExpression><text>0.0375</text></literalExpression></binding>
      <binding><parameter name="n"/><literalExpression><text>360</text></literalExpression></binding>
    </invocation>
  </decision>
  <decision id="d2" name="Total">
    <variable name="Total" typeRef="number"/>
    <literalExpression><text>Monthly + Fee(Segment)</text></literalExpression>
  </decision>
  <inputData id="i1" name="amount"><variable name="amount" typeRef="number"/></inputData>
  <inputData id="i2" name="Segment"><variable name="Segment" typeRef="string"/></inputData>
</definitions>`;
    const model = await compileDmn(xml);
    expect(model.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(model.evaluate('Monthly', { amount: 600000 }).value).toBeCloseTo(2778.69354943277, 8);
    expect(model.evaluate('Total', { amount: 600000, Segment: 'retail' }).value).toBeCloseTo(2878.69354943277, 8);
    expect(model.evaluate('Total', { amount: 600000, Segment: 'private' }).value).toBeCloseTo(2778.69354943277, 8);
  });
});

describe('boxed contexts', () => {
  it('let entries use earlier ones and return the final unnamed entry', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="${DMN13}" id="m" name="m" namespace="https://kairos.dev/spec">
  <decision id="d" name="Affordable">
    <variable name="Affordable" typeRef="boolean"/>
    <context>
      <contextEntry><variable name="Monthly Income"/><literalExpression><text>Income / 12</text></literalExpression></contextEntry>
      <contextEntry><variable name="Ratio"/><literalExpression><text>Repayment / Monthly Income</text></literalExpression></contextEntry>
      <contextEntry><literalExpression><text>Ratio &lt; 0.4</text></literalExpression></contextEntry>
    </context>
  </decision>
  <inputData id="i1" name="Income"><variable name="Income" typeRef="number"/></inputData>
  <inputData id="i2" name="Repayment"><variable name="Repayment" typeRef="number"/></inputData>
</definitions>`;
    const model = await compileDmn(xml);
    expect(model.evaluate('Affordable', { Income: 60000, Repayment: 1000 }).value).toBe(true);
    expect(model.evaluate('Affordable', { Income: 60000, Repayment: 3000 }).value).toBe(false);
  });
});

describe('decision result types', () => {
  it('turn a result of the wrong type into null with a warning', async () => {
    const xml = literalDecisionsXml({ Age: 'birth year' }, [{ name: 'birth year' }]).replace('<variable name="Age"/>', '<variable name="Age" typeRef="number"/>');
    const model = await compileDmn(xml);
    expect(model.evaluate('Age', { 'birth year': 1990 }).value).toBe(1990);
    const wrong = model.evaluate('Age', { 'birth year': 'nineteen ninety' });
    expect(wrong.value).toBeNull();
    expect(wrong.warnings.map((w) => w.code)).toEqual(['OUTPUT_TYPE_MISMATCH']);
  });

  it('return dates as FeelDate values', async () => {
    const model = await compileDmn(literalDecisionsXml({ Due: 'date(2024, 1, 31)' }));
    expect(model.evaluate('Due', {}).value).toEqual(FeelDate.fromParts(2024, 1, 31));
  });
});

describe('DMN versions and sources', () => {
  it('reads a DMN 1.1 Camunda table without input data, reading inputs by name', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" xmlns:camunda="http://camunda.org/schema/1.0/dmn" id="dish" name="Dish" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="decision" name="Dish">
    <decisionTable id="decisionTable" hitPolicy="FIRST">
      <input id="input1" label="Season" camunda:inputVariable="season"><inputExpression id="ie1" typeRef="string"><text>season</text></inputExpression></input>
      <input id="input2" label="How many guests"><inputExpression id="ie2" typeRef="integer"><text>guestCount</text></inputExpression></input>
      <output id="output1" label="Dish" name="desiredDish" typeRef="string"/>
      <rule id="r1"><inputEntry id="a1"><text>"Fall"</text></inputEntry><inputEntry id="b1"><text>&lt;= 8</text></inputEntry><outputEntry id="c1"><text>"Spareribs"</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="a2"><text>"Winter"</text></inputEntry><inputEntry id="b2"><text></text></inputEntry><outputEntry id="c2"><text>"Roastbeef"</text></outputEntry></rule>
      <rule id="r3"><inputEntry id="a3"><text></text></inputEntry><inputEntry id="b3"><text>&gt; 8</text></inputEntry><outputEntry id="c3"><text>"Stew"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;
    const model = await compileDmn(xml);
    expect(model.sourceNamespace).toBe('http://www.omg.org/spec/DMN/20151101/dmn.xsd');
    expect(model.evaluate('Dish', { season: 'Winter', guestCount: 4 }).value).toBe('Roastbeef');
    expect(model.evaluate('Dish', { season: 'Fall', guestCount: 12 }).value).toBe('Stew');
    // Undeclared names are warnings; Camunda's Java type names (`integer`) are read as number; the table has gaps.
    expect(new Set(model.findings.map((f) => `${f.severity}:${f.code}`))).toEqual(new Set(['warning:UNKNOWN_NAME', 'warning:GAP']));
    expect(model.evaluate('Dish', { season: 'Fall', guestCount: '12' }).warnings.map((w) => w.code)).toEqual(['INPUT_TYPE_MISMATCH']);
  });

  it('reads DMN 1.2 and 1.4 namespaces', async () => {
    for (const ns of ['http://www.omg.org/spec/DMN/20180521/MODEL/', 'https://www.omg.org/spec/DMN/20211108/MODEL/']) {
      const model = await compileDmn(literalDecisionsXml({ Answer: '6 * 7' }).replace(DMN13, ns));
      expect(model.sourceNamespace).toBe(ns);
      expect(model.evaluate('Answer', {}).value).toBe(42);
    }
  });

  it('refuses unreadable XML and non-DMN documents with VALIDATION_FAILED', async () => {
    await expect(compileDmn('<definitions')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(compileDmn('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});
