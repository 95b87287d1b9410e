import { DMN13 } from '../testing/dmn-xml-builder';
import type { CompiledDecisionModel } from './decision-model';
import { compileDmn } from './decision-model-compiler';
import { exportDmn } from './dmn-export';

/** As Camunda Modeler 5 writes it: DMN 1.3, Camunda and bpmn.io extensions, a diagram, empty cells. */
const CAMUNDA_MODELER_TABLE = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="${DMN13}" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" xmlns:camunda="http://camunda.org/schema/1.0/dmn" xmlns:biodi="http://bpmn.io/schema/dmn/biodi/2.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_1" name="Next best offer" namespace="http://camunda.org/schema/1.0/dmn" exporter="Camunda Modeler" exporterVersion="5.20.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.4.0">
  <decision id="nbo" name="Next best offer">
    <decisionTable id="DecisionTable_1" hitPolicy="FIRST">
      <input id="Input_1" label="Balance" biodi:width="192" camunda:inputVariable="balance">
        <inputExpression id="InputExpression_1" typeRef="number">
          <text>balance</text>
        </inputExpression>
      </input>
      <input id="Input_2" label="Segment">
        <inputExpression id="InputExpression_2" typeRef="string">
          <text>segment</text>
        </inputExpression>
        <inputValues id="UnaryTests_1">
          <text>"retail","premium"</text>
        </inputValues>
      </input>
      <output id="Output_1" label="Offer" name="offer" typeRef="string" biodi:width="240" />
      <rule id="DecisionRule_1">
        <description>wealthy customers first</description>
        <inputEntry id="UnaryTests_2"><text>&gt;= 100000</text></inputEntry>
        <inputEntry id="UnaryTests_3"><text></text></inputEntry>
        <outputEntry id="LiteralExpression_1"><text>"wealth advice"</text></outputEntry>
      </rule>
      <rule id="DecisionRule_2">
        <inputEntry id="UnaryTests_4"><text>[1000..100000)</text></inputEntry>
        <inputEntry id="UnaryTests_5"><text>"premium"</text></inputEntry>
        <outputEntry id="LiteralExpression_2"><text>"premium card"</text></outputEntry>
      </rule>
      <rule id="DecisionRule_3">
        <inputEntry id="UnaryTests_6"><text>-</text></inputEntry>
        <inputEntry id="UnaryTests_7"><text></text></inputEntry>
        <outputEntry id="LiteralExpression_3"><text>"savings plan"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <dmndi:DMNDI>
    <dmndi:DMNDiagram id="DMNDiagram_1">
      <dmndi:DMNShape id="DMNShape_1" dmnElementRef="nbo">
        <dc:Bounds height="80" width="180" x="160" y="100" />
      </dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>`;

/** A DMN 1.5 model as the TCK ships them. */
const DMN15_MODEL = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20230324/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" id="m15" name="m15" namespace="https://kairos.dev/m15">
  <decision name="Yearly Salary" id="d_YearlySalary">
    <variable typeRef="number" name="Yearly Salary"/>
    <informationRequirement id="ir"><requiredInput href="#i_MonthlySalary"/></informationRequirement>
    <literalExpression><text>12 * Monthly Salary</text></literalExpression>
  </decision>
  <inputData name="Monthly Salary" id="i_MonthlySalary"><variable typeRef="number" name="Monthly Salary"/></inputData>
  <dmndi:DMNDI><dmndi:DMNDiagram id="D1"><dmndi:DMNShape dmnElementRef="d_YearlySalary" id="s1"><dc:Bounds height="61" width="154" x="150" y="150"/></dmndi:DMNShape></dmndi:DMNDiagram></dmndi:DMNDI>
</definitions>`;

function tableShape(model: CompiledDecisionModel) {
  return { decisions: model.decisions, inputData: model.inputData, tables: model.tables, findings: model.findings };
}

describe('exportDmn', () => {
  const offers = [
    { balance: 250_000, segment: 'retail' },
    { balance: 5_000, segment: 'premium' },
    { balance: 5_000, segment: 'retail' },
    { balance: null, segment: null },
  ];

  it('round-trips a Camunda Modeler table: same structure, same answers, extensions and diagram kept', async () => {
    const original = await compileDmn(CAMUNDA_MODELER_TABLE);
    const xml = await exportDmn(original);
    const reloaded = await compileDmn(xml);

    expect(tableShape(reloaded)).toEqual(tableShape(original));
    for (const input of offers) {
      expect(reloaded.evaluate('Next best offer', input)).toEqual(original.evaluate('Next best offer', input));
    }
    expect(original.evaluate('Next best offer', offers[1]).value).toBe('premium card');
    for (const kept of [
      'camunda:inputVariable="balance"',
      'biodi:width="192"',
      'modeler:executionPlatform="Camunda Cloud"',
      'exporter="Camunda Modeler"',
      '<description>wealthy customers first</description>',
      '<dmndi:DMNShape id="DMNShape_1" dmnElementRef="nbo">',
      '<text>[1000..100000)</text>',
      '<text>&gt;= 100000</text>',
    ]) {
      expect(xml).toContain(kept);
    }
    // A second export of the reloaded model is byte-for-byte the first: nothing drifts across deploys.
    expect(await exportDmn(reloaded)).toBe(xml);
  });

  it('writes models read from DMN 1.5 as DMN 1.3 that compile to the same model', async () => {
    const original = await compileDmn(DMN15_MODEL);
    const xml = await exportDmn(original);
    expect(xml).toContain(`xmlns="${DMN13}"`);
    expect(xml).not.toContain('20230324');
    const reloaded = await compileDmn(xml);
    expect(reloaded.sourceNamespace).toBe(DMN13);
    expect(tableShape(reloaded)).toEqual(tableShape(original));
    expect(reloaded.evaluate('Yearly Salary', { 'Monthly Salary': 10_000 }).value).toBe(120_000);
  });

  it('refuses objects that were not compiled from DMN', async () => {
    const impostor = { ...(await compileDmn(DMN15_MODEL)) };
    await expect(exportDmn(impostor)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
