import type { FindingLocation } from '../analysis/validation-finding';
import type { UnaryTestsNode } from '../feel/feel-ast';
import { CompileScope, CompiledExpression, FeelCompiler } from '../feel/feel-compiler';
import type { FeelFrame, UnaryTest } from '../feel/feel-frame';
import { newFrame } from '../feel/feel-frame';
import { FeelType, describeType, isCompatible } from '../feel/feel-types';
import type { ModelCompileContext } from '../model/model-compile-context';
import type { DeclaredType } from '../types/type-registry';

/**
 * Deploy-time checks of single table cells: entries that can never match (wrong type, not an input value)
 * and outputs that contradict their column. Table-wide checks (overlaps, gaps) live in analysis/.
 */

/** The checks evaluate constant tests, which read nothing from the frame. */
const NO_FRAME: FeelFrame = newFrame(0);

export interface OutputColumn {
  readonly name: string;
  readonly declared: DeclaredType | undefined;
  readonly outputValues: readonly UnaryTest[] | null;
  readonly text: string | undefined;
}

/** An output entry of another type than its column, or a constant outside the column's output values. */
export function checkOutputEntry(ctx: ModelCompileContext, compiled: CompiledExpression, output: OutputColumn, at: FindingLocation, ruleIndex: number): void {
  if (output.declared && !isCompatible(compiled.type, output.declared.feelType)) {
    ctx.findings.report(
      'error',
      'TYPE_MISMATCH',
      at,
      `rule ${ruleIndex + 1}: output '${output.name}' is declared ${describeType(output.declared.feelType)} but the entry is ${describeType(compiled.type)}`,
    );
  }
  const constant = compiled.constant;
  if (constant && constant.value !== null && output.outputValues && !output.outputValues.some((t) => t(constant.value, NO_FRAME) === true)) {
    ctx.findings.report('error', 'NOT_ALLOWED_VALUE', at, `rule ${ruleIndex + 1}: output '${output.name}' entry ${output.text?.trim()} is not one of its output values`);
  }
}

/** Input entries whose constants have another type than their column can never match: a modeling error. */
export function checkEntryTypes(
  ctx: ModelCompileContext,
  node: UnaryTestsNode,
  columnType: FeelType,
  label: string,
  scope: CompileScope,
  at: FindingLocation,
  ruleIndex: number,
): void {
  if (node.type !== 'Tests' || columnType.kind === 'any') return;
  const compiler = new FeelCompiler(scope);
  for (const test of node.tests) {
    const operands =
      test.type === 'CompareTest' ? [test.operand] : test.type === 'RangeTest' ? [test.range.start, test.range.end] : test.usesQuestionMark ? [] : [test.expression];
    for (const operand of operands) {
      if (!operand) continue;
      let type = compiler.expression(operand).type;
      if (test.type === 'ExpressionTest' && type.kind === 'list') type = type.element;
      if (test.type === 'ExpressionTest' && type.kind === 'range') type = type.element;
      if (type.kind === 'any' || type.kind === 'null') continue;
      if (!isCompatible(type, columnType)) {
        ctx.findings.report(
          'error',
          'TYPE_MISMATCH',
          at,
          `rule ${ruleIndex + 1}: input '${label}' is ${describeType(columnType)} but the entry tests a ${describeType(type)}`,
        );
        return;
      }
    }
  }
}

/** Constant entries outside the column's declared input values can never match. */
export function checkAllowed(
  ctx: ModelCompileContext,
  node: UnaryTestsNode,
  allowed: UnaryTest,
  label: string,
  at: FindingLocation,
  ruleIndex: number,
): void {
  if (node.type !== 'Tests' || node.negated) return;
  for (const test of node.tests) {
    if (test.type !== 'ExpressionTest' || test.expression.type !== 'Literal') continue;
    const value = test.expression.value;
    if (value !== null && allowed(value, NO_FRAME) !== true) {
      ctx.findings.report('error', 'NOT_ALLOWED_VALUE', at, `rule ${ruleIndex + 1}: ${JSON.stringify(value)} is not an input value of '${label}'`);
    }
  }
}

