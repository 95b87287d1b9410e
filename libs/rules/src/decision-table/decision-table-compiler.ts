import type { FindingLocation } from '../analysis/validation-finding';
import type { DmnAggregation, DmnDecisionTable, DmnHitPolicy } from '../dmn/dmn-elements';
import type { UnaryTestsNode } from '../feel/feel-ast';
import { CompileScope, CompiledExpression, FeelCompiler } from '../feel/feel-compiler';
import type { Evaluator, FeelFrame, UnaryTest } from '../feel/feel-frame';
import { warn } from '../feel/feel-frame';
import { FeelType, describeType, isCompatible } from '../feel/feel-types';
import { checkAllowed, checkEntryTypes, checkOutputEntry } from './entry-checks';
import type { ModelCompileContext } from '../model/model-compile-context';
import { NONCONFORMING, type DeclaredType } from '../types/type-registry';
import { HitPolicyEvaluator, RankOutputs, selectHitPolicy } from './hit-policies';

/** One matched rule, as recorded for the decision's explanation and audit. Shared, never allocated per hit. */
export interface RuleHit {
  readonly decision: string;
  readonly tableId: string;
  readonly ruleId: string;
  /** 1-based, as modelers number rows. */
  readonly ruleNumber: number;
}

export interface CompiledDecisionTable {
  readonly id: string;
  readonly decision: string;
  readonly hitPolicy: DmnHitPolicy;
  readonly aggregation: DmnAggregation | null;
  readonly ruleIds: readonly string[];
  /** What table analysis needs: the parsed entries and column types. */
  readonly shape: TableShape;
  /** Evaluates the table; matched rules are appended to `hits` when given. */
  evaluate(frame: FeelFrame, hits: RuleHit[] | null): unknown;
}

export interface TableShape {
  readonly tableId: string;
  readonly decision: string;
  readonly hitPolicy: DmnHitPolicy;
  readonly columns: readonly { readonly label: string; readonly type: FeelType; readonly inputValues: UnaryTestsNode | null }[];
  readonly rules: readonly { readonly id: string; readonly entries: readonly (UnaryTestsNode | null)[]; readonly outputTexts: readonly string[] }[];
  readonly hasDefaultOutput: boolean;
}

/** A compiled rule: only the non-`-` entries are kept, so a row of dashes costs nothing to test. */
export interface CompiledRule {
  readonly columns: readonly number[];
  readonly tests: readonly UnaryTest[];
  readonly outputs: readonly Evaluator[];
  readonly hit: RuleHit;
}

export interface TableRuntime {
  readonly rules: readonly CompiledRule[];
  readonly outputNames: readonly string[] | null;
  readonly defaultOutputs: readonly Evaluator[] | null;
  readonly rank: RankOutputs | null;
  readonly aggregation: DmnAggregation | null;
}

const DEFAULT_HIT_POLICY: DmnHitPolicy = 'UNIQUE';
const HIT_POLICIES = new Set<string>(['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER', 'OUTPUT ORDER']);

export interface TableCompileInput {
  readonly table: DmnDecisionTable;
  readonly decision: string;
  readonly scope: CompileScope;
  /** The decision's declared result type, used to type single outputs without a typeRef of their own. */
  readonly resultType: DeclaredType | undefined;
}

export function compileDecisionTable(ctx: ModelCompileContext, input: TableCompileInput): CompiledDecisionTable {
  const { table, decision, scope } = input;
  const tableId = table.id ?? decision;
  const at: FindingLocation = { tableId, element: decision };
  const hitPolicy = normaliseHitPolicy(table.hitPolicy);
  if (!HIT_POLICIES.has(hitPolicy)) ctx.findings.report('error', 'UNSUPPORTED', at, `hit policy '${table.hitPolicy ?? ''}' is not a DMN hit policy`);
  const aggregation = hitPolicy === 'COLLECT' ? (table.aggregation ?? null) : null;
  if (table.aggregation && hitPolicy !== 'COLLECT') {
    ctx.findings.report('warning', 'UNSUPPORTED', at, `aggregation ${table.aggregation} is ignored: it only applies to COLLECT`);
  }

  const columns = (table.input ?? []).map((clause, index) => {
    const label = clause.label ?? clause.inputExpression?.text?.trim() ?? `input ${index + 1}`;
    const expression = ctx.expression(clause.inputExpression?.text, scope, at, clause.inputExpression?.expressionLanguage);
    const declared = clause.inputExpression?.typeRef ? ctx.type(clause.inputExpression.typeRef, at) : undefined;
    if (declared && !isCompatible(expression.type, declared.feelType)) {
      ctx.findings.report(
        'error',
        'TYPE_MISMATCH',
        at,
        `input '${label}' is declared ${describeType(declared.feelType)} but its expression is ${describeType(expression.type)}`,
      );
    }
    const inputValues = clause.inputValues?.text ? ctx.unaryTests(clause.inputValues.text, scope, at) : null;
    const type = declared?.feelType ?? expression.type;
    return { label, expression, declared, inputValues, type };
  });

  const outputClauses = table.output ?? [];
  if (outputClauses.length === 0) ctx.findings.report('error', 'MISSING_LOGIC', at, 'the decision table has no output column');
  const outputs = outputClauses.map((clause, index) => {
    const name = clause.name ?? (outputClauses.length === 1 ? decision : `output ${index + 1}`);
    const declared = clause.typeRef ? ctx.type(clause.typeRef, at) : outputClauses.length === 1 ? singleOutputType(input.resultType) : undefined;
    const outputValues = clause.outputValues?.text ? splitOutputValues(ctx, clause.outputValues.text, scope, at) : null;
    const defaultEntry = clause.defaultOutputEntry ? ctx.expression(clause.defaultOutputEntry.text, scope, at) : null;
    return { name, declared, outputValues, defaultEntry };
  });

  const rules: CompiledRule[] = [];
  const shapeRules: TableShape['rules'][number][] = [];
  (table.rule ?? []).forEach((rule, ruleIndex) => {
    const ruleId = rule.id ?? `rule-${ruleIndex + 1}`;
    const ruleAt: FindingLocation = { tableId, element: decision, ruleIds: [ruleId] };
    const entries = rule.inputEntry ?? [];
    if (entries.length !== columns.length) {
      ctx.findings.report('error', 'MISSING_LOGIC', ruleAt, `rule ${ruleIndex + 1} has ${entries.length} input entries for ${columns.length} inputs`);
    }
    const ruleColumns: number[] = [];
    const tests: UnaryTest[] = [];
    const nodes: (UnaryTestsNode | null)[] = [];
    columns.forEach((column, c) => {
      const entry = entries[c];
      const compiled = ctx.unaryTests(entry?.text, scope, ruleAt, entry?.expressionLanguage);
      nodes.push(compiled.node);
      if (compiled.node?.type === 'AnyTest') return;
      ruleColumns.push(c);
      tests.push(compiled.test);
      if (compiled.node) checkEntryTypes(ctx, compiled.node, column.type, column.label, scope, ruleAt, ruleIndex);
      if (compiled.node && column.inputValues?.node) checkAllowed(ctx, compiled.node, column.inputValues.test, column.label, ruleAt, ruleIndex);
    });
    const outputEntries = rule.outputEntry ?? [];
    if (outputEntries.length !== outputs.length) {
      ctx.findings.report('error', 'MISSING_LOGIC', ruleAt, `rule ${ruleIndex + 1} has ${outputEntries.length} output entries for ${outputs.length} outputs`);
    }
    const outputReaders = outputs.map((output, o) => {
      const text = outputEntries[o]?.text;
      const compiled = ctx.expression(text, scope, ruleAt, outputEntries[o]?.expressionLanguage);
      checkOutputEntry(ctx, compiled, { ...output, text }, ruleAt, ruleIndex);
      return typedOutput(compiled, output.declared, decision, output.name);
    });
    rules.push({
      columns: ruleColumns,
      tests,
      outputs: outputReaders,
      hit: Object.freeze({ decision, tableId, ruleId, ruleNumber: ruleIndex + 1 }),
    });
    shapeRules.push({ id: ruleId, entries: nodes, outputTexts: outputEntries.map((e) => (e.text ?? '').trim()) });
  });

  const ranked = outputs.filter((o) => o.outputValues !== null);
  if ((hitPolicy === 'PRIORITY' || hitPolicy === 'OUTPUT ORDER') && ranked.length === 0) {
    ctx.findings.report('error', 'MISSING_LOGIC', at, `${hitPolicy} needs output values to rank outputs; none are declared`);
  }
  const multiOutput = outputs.length > 1;
  const runtime: TableRuntime = {
    rules,
    outputNames: multiOutput ? outputs.map((o) => o.name) : null,
    defaultOutputs: outputs.some((o) => o.defaultEntry) ? outputs.map((o) => o.defaultEntry?.evaluate ?? nullReader) : null,
    rank: ranked.length > 0 ? makeRanker(outputs.map((o) => o.outputValues), multiOutput ? outputs.map((o) => o.name) : null) : null,
    aggregation,
  };

  const readers = columns.map((c) => columnReader(c.expression, c.declared, c.inputValues?.test ?? null, decision, c.label));
  const evaluateHits: HitPolicyEvaluator = selectHitPolicy(hitPolicy, aggregation);
  const width = readers.length;
  let scratch = new Array<unknown>(width);
  let busy = false;

  return {
    id: tableId,
    decision,
    hitPolicy,
    aggregation,
    ruleIds: rules.map((r) => r.hit.ruleId),
    shape: {
      tableId,
      decision,
      hitPolicy,
      columns: columns.map((c) => ({ label: c.label, type: c.type, inputValues: c.inputValues?.node ?? null })),
      rules: shapeRules,
      hasDefaultOutput: runtime.defaultOutputs !== null,
    },
    evaluate(frame, hits) {
      // The column buffer is reused; only a re-entrant call (a table inside a function it calls) allocates.
      const values = busy ? new Array<unknown>(width) : scratch;
      const outer = busy;
      busy = true;
      try {
        for (let i = 0; i < width; i++) values[i] = readers[i](frame);
        return evaluateHits(runtime, values, frame, hits);
      } finally {
        busy = outer;
        if (!outer) scratch = values;
      }
    },
  };
}

const nullReader: Evaluator = () => null;

function normaliseHitPolicy(policy: string | undefined): DmnHitPolicy {
  if (!policy) return DEFAULT_HIT_POLICY;
  return policy.trim().toUpperCase().replace('_', ' ') as DmnHitPolicy;
}

/** A single output column takes the decision's type; a collection decision types each element. */
function singleOutputType(resultType: DeclaredType | undefined): DeclaredType | undefined {
  if (!resultType || resultType.feelType.kind === 'context') return undefined;
  if (resultType.feelType.kind === 'list') return undefined;
  return resultType;
}

/** Reads an input column and applies its declared type and input values: a value that fails either is null. */
function columnReader(
  expression: CompiledExpression,
  declared: DeclaredType | undefined,
  inputValues: UnaryTest | null,
  decision: string,
  label: string,
): Evaluator {
  const read = expression.evaluate;
  const needsTypeCheck = declared !== undefined && declared.feelType.kind !== 'any' && !sameStaticType(expression.type, declared.feelType);
  if (!needsTypeCheck && !inputValues) return read;
  return (frame) => {
    let value = read(frame);
    if (needsTypeCheck && declared) {
      value = declared.conform(value, frame);
      if (value === NONCONFORMING) {
        warn(frame, { code: 'INPUT_TYPE_MISMATCH', element: decision, message: `input '${label}' is not a ${declared.name}` });
        return null;
      }
    }
    if (inputValues && value !== null && inputValues(value, frame) !== true) {
      warn(frame, { code: 'INPUT_TYPE_MISMATCH', element: decision, message: `input '${label}' is not one of its input values` });
      return null;
    }
    return value;
  };
}

/** Statically proven types need no check at run time (input data were already checked on the way in). */
function sameStaticType(actual: FeelType, declared: FeelType): boolean {
  return actual.kind === 'primitive' && declared.kind === 'primitive' && actual.name === declared.name;
}

function typedOutput(compiled: CompiledExpression, declared: DeclaredType | undefined, decision: string, name: string): Evaluator {
  const read = compiled.evaluate;
  if (!declared || compiled.constant || sameStaticType(compiled.type, declared.feelType)) return read;
  return (frame) => {
    const value = declared.conform(read(frame), frame);
    if (value !== NONCONFORMING) return value;
    warn(frame, { code: 'OUTPUT_TYPE_MISMATCH', element: decision, message: `output '${name}' is not a ${declared.name}` });
    return null;
  };
}

/** `"Approved", "Declined"` as one test per value, in order: the index is the priority. */
function splitOutputValues(ctx: ModelCompileContext, text: string, scope: CompileScope, at: FindingLocation): UnaryTest[] | null {
  const whole = ctx.unaryTests(text, scope, at);
  if (!whole.node || whole.node.type !== 'Tests' || whole.node.negated) return null;
  return whole.node.tests.map((test) => new FeelCompiler(scope).unaryTests({ type: 'Tests', negated: false, tests: [test] }));
}

/** Priority of an output (lower ranks first): the index of the first output value it matches. */
function makeRanker(outputValues: readonly (UnaryTest[] | null)[], names: readonly string[] | null): RankOutputs {
  return (output, frame) => {
    const ranks: number[] = [];
    outputValues.forEach((tests, i) => {
      if (!tests) return;
      const value = names ? (output as Record<string, unknown>)[names[i]] : output;
      const index = tests.findIndex((t) => t(value, frame) === true);
      ranks.push(index < 0 ? tests.length : index);
    });
    return ranks;
  };
}
