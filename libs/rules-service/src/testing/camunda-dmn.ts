/** A rule row of a Camunda-style table: one entry per input column (empty = any), one output. */
export interface TableRow {
  readonly id: string;
  readonly entries: readonly string[];
  readonly output: string;
}

export interface CamundaTableOptions {
  readonly decisionId?: string;
  readonly decisionName?: string;
  readonly hitPolicy?: 'UNIQUE' | 'FIRST' | 'COLLECT' | 'ANY' | 'PRIORITY';
  readonly inputs: readonly { readonly expression: string; readonly typeRef: string }[];
  readonly outputTypeRef?: string;
  readonly rows: readonly TableRow[];
}

const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/**
 * A decision table as the Camunda Modeler saves it (DMN 1.3 namespace, camunda extensions, no input data, Java
 * type names, empty cells for "any"), for tests that a modeler's file deploys unchanged.
 */
export function camundaDecisionTable(options: CamundaTableOptions): string {
  const id = options.decisionId ?? 'eligible';
  const inputs = options.inputs
    .map((input, i) => `      <input id="Input_${i}" label="${escapeXml(input.expression)}" camunda:inputVariable="v${i}"><inputExpression id="InputExpression_${i}" typeRef="${input.typeRef}"><text>${escapeXml(input.expression)}</text></inputExpression></input>`)
    .join('\n');
  const rows = options.rows
    .map(
      (row) =>
        `      <rule id="${row.id}">${row.entries.map((e, i) => `<inputEntry id="${row.id}_in${i}"><text>${escapeXml(e)}</text></inputEntry>`).join('')}<outputEntry id="${row.id}_out"><text>${escapeXml(row.output)}</text></outputEntry></rule>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:camunda="http://camunda.org/schema/1.0/dmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_${id}" name="DRD" namespace="http://camunda.org/schema/1.0/dmn" exporter="Camunda Modeler" exporterVersion="5.20.0" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.20.0">
  <decision id="${id}" name="${escapeXml(options.decisionName ?? 'Eligible')}">
    <decisionTable id="DecisionTable_${id}" hitPolicy="${options.hitPolicy ?? 'UNIQUE'}">
${inputs}
      <output id="Output_1" label="result" name="result" typeRef="${options.outputTypeRef ?? 'boolean'}" />
${rows}
    </decisionTable>
  </decision>
</definitions>`;
}

/** "Adults holding a checking account are eligible": complete, no overlaps, reads two registry features. */
export function adultCheckingTable(overrides: Partial<CamundaTableOptions> = {}): string {
  return camundaDecisionTable({
    inputs: [
      { expression: 'age', typeRef: 'integer' },
      { expression: 'holds_checking_account', typeRef: 'boolean' },
    ],
    rows: [
      { id: 'adult_holder', entries: ['>= 18', 'true'], output: 'true' },
      { id: 'adult_without', entries: ['>= 18', 'false'], output: 'false' },
      { id: 'minor', entries: ['< 18', ''], output: 'false' },
    ],
    ...overrides,
  });
}
