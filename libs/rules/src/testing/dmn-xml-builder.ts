/**
 * Builds small DMN 1.3 documents for specs, so each test states its table as data instead of pasting XML.
 * Only specs import this file; it is not part of the library's public face.
 */
export interface TableInputSpec {
  readonly expression: string;
  readonly label?: string;
  readonly typeRef?: string;
  readonly inputValues?: string;
}

export interface TableOutputSpec {
  readonly name?: string;
  readonly typeRef?: string;
  readonly outputValues?: string;
  readonly defaultEntry?: string;
}

export interface DecisionTableSpec {
  readonly decision?: string;
  readonly decisionTypeRef?: string;
  readonly hitPolicy?: string;
  readonly aggregation?: string;
  readonly inputs: readonly TableInputSpec[];
  readonly outputs: readonly TableOutputSpec[];
  /** Each rule: its input entries, then its output entries. */
  readonly rules: readonly (readonly string[])[];
  readonly inputData?: readonly { readonly name: string; readonly typeRef?: string }[];
  /** Raw `<itemDefinition>` elements. */
  readonly itemDefinitions?: string;
  /** Raw extra DRG elements (more decisions, knowledge models). */
  readonly extraElements?: string;
}

export const DMN13 = 'https://www.omg.org/spec/DMN/20191111/MODEL/';

export function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function decisionTableXml(spec: DecisionTableSpec): string {
  const decision = spec.decision ?? 'Result';
  const inputs = spec.inputs
    .map(
      (input, i) => `
      <input id="input-${i + 1}" label="${xmlText(input.label ?? input.expression)}">
        <inputExpression id="input-expr-${i + 1}"${input.typeRef ? ` typeRef="${input.typeRef}"` : ''}><text>${xmlText(input.expression)}</text></inputExpression>${
          input.inputValues ? `\n        <inputValues><text>${xmlText(input.inputValues)}</text></inputValues>` : ''
        }
      </input>`,
    )
    .join('');
  const outputs = spec.outputs
    .map(
      (output, i) => `
      <output id="output-${i + 1}"${output.name ? ` name="${xmlText(output.name)}"` : ''}${output.typeRef ? ` typeRef="${output.typeRef}"` : ''}>${
        output.outputValues ? `<outputValues><text>${xmlText(output.outputValues)}</text></outputValues>` : ''
      }${output.defaultEntry ? `<defaultOutputEntry><text>${xmlText(output.defaultEntry)}</text></defaultOutputEntry>` : ''}</output>`,
    )
    .join('');
  const rules = spec.rules
    .map((rule, r) => {
      const entries = rule.map((text, i) =>
        i < spec.inputs.length
          ? `<inputEntry id="rule-${r + 1}-in-${i + 1}"><text>${xmlText(text)}</text></inputEntry>`
          : `<outputEntry id="rule-${r + 1}-out-${i - spec.inputs.length + 1}"><text>${xmlText(text)}</text></outputEntry>`,
      );
      return `
      <rule id="rule-${r + 1}">${entries.join('')}</rule>`;
    })
    .join('');
  const inputData = (spec.inputData ?? [])
    .map(
      (d) => `
  <inputData id="data-${d.name.replace(/\W/g, '_')}" name="${xmlText(d.name)}"><variable name="${xmlText(d.name)}"${d.typeRef ? ` typeRef="${d.typeRef}"` : ''}/></inputData>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="${DMN13}" id="spec-model" name="spec model" namespace="https://kairos.dev/spec">${spec.itemDefinitions ?? ''}
  <decision id="decision" name="${xmlText(decision)}">
    <variable name="${xmlText(decision)}"${spec.decisionTypeRef ? ` typeRef="${spec.decisionTypeRef}"` : ''}/>
    <decisionTable id="table"${spec.hitPolicy ? ` hitPolicy="${spec.hitPolicy}"` : ''}${spec.aggregation ? ` aggregation="${spec.aggregation}"` : ''}>${inputs}${outputs}${rules}
    </decisionTable>
  </decision>${inputData}${spec.extraElements ?? ''}
</definitions>`;
}

/** A model with literal-expression decisions only: `{ name: expression }`. */
export function literalDecisionsXml(
  decisions: Readonly<Record<string, string>>,
  inputData: readonly { readonly name: string; readonly typeRef?: string }[] = [],
  extra = '',
): string {
  const body = Object.entries(decisions)
    .map(
      ([name, text], i) => `
  <decision id="d${i + 1}" name="${xmlText(name)}"><variable name="${xmlText(name)}"/><literalExpression><text>${xmlText(text)}</text></literalExpression></decision>`,
    )
    .join('');
  const data = inputData
    .map((d, i) => `
  <inputData id="i${i + 1}" name="${xmlText(d.name)}"><variable name="${xmlText(d.name)}"${d.typeRef ? ` typeRef="${d.typeRef}"` : ''}/></inputData>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="${DMN13}" id="literals" name="literals" namespace="https://kairos.dev/spec">${extra}${body}${data}
</definitions>`;
}
