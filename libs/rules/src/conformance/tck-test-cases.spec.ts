import { FeelDate } from '../feel/feel-values';
import { readTckTestFile, toInputValue } from './tck-test-cases';
import { decimalEquals, mismatch } from './tck-value-match';

const TEST_FILE = `<?xml version="1.0" encoding="UTF-8"?>
<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <modelName>loan.dmn</modelName>
  <!-- a comment -->
  <testCase id="001">
    <inputNode name="Loan">
      <component name="amount"><value xsi:type="xsd:decimal">600000</value></component>
      <component name="start"><value xsi:type="xsd:date">2024-01-31</value></component>
    </inputNode>
    <inputNode name="Note"><value xsi:type="xsd:string"><![CDATA[a < b]]> &amp; c</value></inputNode>
    <inputNode name="Missing"><value xsi:nil="true"/></inputNode>
    <resultNode name="Offers" type="decision">
      <expected><list><item><value xsi:type="xsd:string">card</value></item><item><value xsi:type="xsd:boolean">true</value></item></list></expected>
    </resultNode>
    <resultNode name="Broken" errorResult="true"><expected><value xsi:nil="true"/></expected></resultNode>
  </testCase>
</testCases>`;

describe('TCK test-case files', () => {
  it('read inputs, expected values, lists, components, nil and text with entities and CDATA', () => {
    const file = readTckTestFile(TEST_FILE);
    expect(file.modelName).toBe('loan.dmn');
    const [testCase] = file.cases;
    expect(testCase.id).toBe('001');
    expect(testCase.type).toBe('decision');
    const inputs = Object.fromEntries(testCase.inputs.map((i) => [i.name, toInputValue(i.value)]));
    expect(inputs).toEqual({ Loan: { amount: 600000, start: FeelDate.fromParts(2024, 1, 31) }, Note: 'a < b & c', Missing: null });
    expect(testCase.results).toEqual([
      {
        name: 'Offers',
        type: 'decision',
        errorResult: false,
        expected: { kind: 'list', items: [{ kind: 'string', value: 'card' }, { kind: 'boolean', value: true }] },
      },
      { name: 'Broken', type: 'decision', errorResult: true, expected: { kind: 'null' } },
    ]);
  });

  it('reject files that are not test cases', () => {
    expect(() => readTckTestFile('<definitions/>')).toThrow('expected <testCases>');
    expect(() => readTckTestFile('<testCases><testCase></testCases>')).toThrow('XML');
  });
});

describe('TCK value comparison', () => {
  it('compares numbers as decimals within the TCK tolerance of 0.00000001', () => {
    expect(decimalEquals(562.7073593732719, '562.707359373292')).toBe(true);
    expect(decimalEquals(0.30000000000000004, '0.3')).toBe(true);
    expect(decimalEquals(120000, '1.2E5')).toBe(true);
    expect(decimalEquals(1e-9, '0')).toBe(true);
    expect(decimalEquals(2e-8, '0')).toBe(false);
    expect(decimalEquals(1e21 + 1e6, '1000000000000000000000')).toBe(false);
    expect(decimalEquals(64.32, '64.33')).toBe(false);
  });

  it('explains mismatches of type, length, entries and null', () => {
    expect(mismatch({ kind: 'number', text: '15' }, 15)).toBeNull();
    expect(mismatch({ kind: 'number', text: '15' }, '15')).toBe('result: expected 15, got "15"');
    expect(mismatch({ kind: 'null' }, undefined)).toBeNull();
    expect(mismatch({ kind: 'null' }, false)).toBe('result: expected null, got false');
    expect(mismatch({ kind: 'list', items: [{ kind: 'string', value: 'a' }] }, ['a', 'b'])).toBe('result: expected 1 items, got 2');
    const context = { kind: 'context', entries: [{ name: 'Status', value: { kind: 'string', value: 'Approved' } }] } as const;
    expect(mismatch(context, { Status: 'Approved' })).toBeNull();
    expect(mismatch(context, { Status: 'Declined' })).toBe('result.Status: expected "Approved", got "Declined"');
    expect(mismatch(context, { Status: 'Approved', Rate: 'Best' })).toBe('result: unexpected entries Rate');
    expect(mismatch({ kind: 'date', text: '2024-01-31' }, FeelDate.fromParts(2024, 1, 31))).toBeNull();
  });
});
