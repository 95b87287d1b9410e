import type { FindingLocation } from '../analysis/validation-finding';
import { CompiledDecisionTable, RuleHit, compileDecisionTable } from '../decision-table/decision-table-compiler';
import type { DmnContext, DmnExpression, DmnInvocation } from '../dmn/dmn-elements';
import { CompileScope, LocalScope } from '../feel/feel-compiler';
import type { FeelFrame } from '../feel/feel-frame';
import { warn } from '../feel/feel-frame';
import { ANY_TYPE, FeelType, listOf } from '../feel/feel-types';
import { FeelFunction } from '../feel/feel-values';
import type { DeclaredType } from '../types/type-registry';
import type { DecisionLogicKind } from './decision-model';
import type { ModelCompileContext } from './model-compile-context';

/** A compiled boxed expression: decision logic or the body of a business knowledge model. */
export interface CompiledLogic {
  readonly kind: DecisionLogicKind;
  readonly type: FeelType;
  readonly evaluate: (frame: FeelFrame, hits: RuleHit[] | null) => unknown;
  /** Decision tables compiled inside this logic, for analysis and `evaluateTable`. */
  readonly tables: readonly CompiledDecisionTable[];
}

export interface LogicCompileInput {
  readonly expression: DmnExpression | undefined;
  readonly scope: CompileScope;
  readonly at: FindingLocation;
  /** The decision or knowledge model the logic belongs to. */
  readonly owner: string;
  readonly resultType: DeclaredType | undefined;
}

const NO_LOGIC: CompiledLogic = { kind: 'none', type: ANY_TYPE, evaluate: () => null, tables: [] };

export function compileLogic(ctx: ModelCompileContext, input: LogicCompileInput): CompiledLogic {
  const { expression, scope, at, owner } = input;
  if (!expression) {
    ctx.findings.report('error', 'MISSING_LOGIC', at, `'${owner}' has no decision logic`);
    return NO_LOGIC;
  }
  switch (expression.$type) {
    case 'dmn:LiteralExpression': {
      const compiled = ctx.expression(expression.text, scope, at, expression.expressionLanguage);
      const read = compiled.evaluate;
      return { kind: 'literalExpression', type: compiled.type, evaluate: (frame) => read(frame), tables: [] };
    }
    case 'dmn:DecisionTable': {
      const table = compileDecisionTable(ctx, { table: expression, decision: owner, scope, resultType: input.resultType });
      // Outputs are type-checked per column by the table compiler.
      return { kind: 'decisionTable', type: ANY_TYPE, evaluate: (frame, hits) => table.evaluate(frame, hits), tables: [table] };
    }
    case 'dmn:Invocation':
      return compileInvocation(ctx, expression, input);
    case 'dmn:Context':
      return compileContext(ctx, expression, input);
    case 'dmn:List': {
      const items = (expression.elements ?? []).map((e) => compileLogic(ctx, { ...input, expression: e, resultType: undefined }));
      return {
        kind: 'list',
        type: listOf(items[0]?.type ?? ANY_TYPE),
        evaluate: (frame, hits) => items.map((i) => i.evaluate(frame, hits)),
        tables: items.flatMap((i) => i.tables),
      };
    }
    default:
      ctx.findings.report('error', 'UNSUPPORTED', at, `boxed expression ${expression.$type.replace('dmn:', '')} is not supported`);
      return NO_LOGIC;
  }
}

/** A boxed invocation: a function (usually a business knowledge model) called with named bindings. */
function compileInvocation(ctx: ModelCompileContext, invocation: DmnInvocation, input: LogicCompileInput): CompiledLogic {
  const { scope, at } = input;
  const called = invocation.calledFunction;
  if (!called || called.$type !== 'dmn:LiteralExpression') {
    ctx.findings.report('error', 'MISSING_LOGIC', at, 'the invocation does not name the function it calls');
    return NO_LOGIC;
  }
  const callee = ctx.expression(called.text, scope, at).evaluate;
  const calleeName = (called.text ?? '').trim();
  const bindings = (invocation.binding ?? []).map((b) => ({
    name: b.parameter?.name ?? '',
    logic: b.bindingFormula ? compileLogic(ctx, { ...input, expression: b.bindingFormula, resultType: undefined }) : null,
  }));
  return {
    kind: 'invocation',
    type: ANY_TYPE,
    tables: bindings.flatMap((b) => b.logic?.tables ?? []),
    evaluate(frame, hits) {
      const fn = callee(frame);
      if (!(fn instanceof FeelFunction)) {
        warn(frame, { code: 'NOT_A_FUNCTION', element: input.owner, message: `'${calleeName}' is not a function` });
        return null;
      }
      const args = fn.parameterNames.map(() => null as unknown);
      for (const binding of bindings) {
        const index = fn.parameterNames.indexOf(binding.name);
        if (index >= 0 && binding.logic) args[index] = binding.logic.evaluate(frame, hits);
      }
      return fn.invoke(args, frame);
    },
  };
}

/** A boxed context: entries see the ones above them; an entry without a name is the result. */
function compileContext(ctx: ModelCompileContext, context: DmnContext, input: LogicCompileInput): CompiledLogic {
  const names = new Map<string, FeelType>();
  const entries: { key: string | null; logic: CompiledLogic }[] = [];
  for (const entry of context.contextEntry ?? []) {
    const logic = compileLogic(ctx, {
      ...input,
      expression: entry.value,
      scope: new LocalScope(input.scope, new Map(names)),
      resultType: undefined,
    });
    const key = entry.variable?.name ?? null;
    if (key !== null) names.set(key, logic.type);
    entries.push({ key, logic });
  }
  return {
    kind: 'context',
    type: { kind: 'context', entries: names },
    tables: entries.flatMap((e) => e.logic.tables),
    evaluate(frame, hits) {
      const saved = frame.locals;
      const locals: Record<string, unknown> = Object.create(saved);
      const result: Record<string, unknown> = {};
      frame.locals = locals;
      try {
        for (const { key, logic } of entries) {
          const value = logic.evaluate(frame, hits);
          if (key === null) return value;
          locals[key] = value;
          result[key] = value;
        }
        return result;
      } finally {
        frame.locals = saved;
      }
    },
  };
}
