import type { FeelNode, Iterator, PositiveUnaryTest, RangeNode, UnaryTestsNode } from './feel-ast';
import { BUILTIN_FUNCTIONS } from './feel-builtins';
import { Evaluator, FeelFrame, UnaryTest, childFrame, newFrame, warn } from './feel-frame';
import { feelAnd, feelGreaterOrEqual, feelInRange, feelLessOrEqual, feelNegate, feelOr } from './feel-semantics';
import { constantComparisonTest, constantValueTest } from './feel-constant-tests';
import { ARITHMETIC, COMPARATORS, IterationSource, isInstanceOf, iterate, listIndex, readPath, valueMatches } from './feel-operations';
import {
  ANY_CONTEXT_TYPE,
  ANY_LIST_TYPE,
  ANY_TYPE,
  BOOLEAN_TYPE,
  FeelType,
  NULL_TYPE,
  NUMBER_TYPE,
  STRING_TYPE,
  functionType,
  listOf,
} from './feel-types';
import { FeelFunction, FeelRange, feelTypeOf, isFeelContext } from './feel-values';

/** How a name in an expression is read at run time; decided once, at deploy. */
export type NameBinding =
  | { readonly kind: 'slot'; readonly index: number; readonly type: FeelType }
  | { readonly kind: 'local'; readonly type: FeelType }
  | { readonly kind: 'constant'; readonly value: unknown; readonly type: FeelType }
  /** Business knowledge models: compiled after every name is known, so they may call each other. */
  | { readonly kind: 'deferred'; readonly get: () => unknown; readonly type: FeelType }
  /** A caller-supplied value read by name from the inputs, as given. */
  | { readonly kind: 'input'; readonly type: FeelType };

export interface CompileScope {
  resolve(name: string): NameBinding | undefined;
}

export type CompileProblemCode = 'UNKNOWN_NAME' | 'UNKNOWN_FUNCTION' | 'NOT_A_FUNCTION' | 'UNKNOWN_PARAMETER';

export interface CompileProblem {
  readonly code: CompileProblemCode;
  readonly message: string;
}

/** A compiled expression with what deploy-time checks need to know about it. */
export interface CompiledExpression {
  readonly evaluate: Evaluator;
  readonly type: FeelType;
  /** Set when the expression needs no input: its value, computed once at deploy. */
  readonly constant: { readonly value: unknown } | null;
}

/** Names local to a function body, iteration or context literal. */
export class LocalScope implements CompileScope {
  constructor(
    private readonly parent: CompileScope,
    private readonly names: ReadonlyMap<string, FeelType>,
    /** For filters over contexts whose keys are not known statically: unknown names read the item's entries. */
    private readonly openEnded = false,
  ) {}

  resolve(name: string): NameBinding | undefined {
    const type = this.names.get(name);
    if (type) return { kind: 'local', type };
    const outer = this.parent.resolve(name);
    if (outer || !this.openEnded) return outer;
    return { kind: 'local', type: ANY_TYPE };
  }
}

const FOLDING_FRAME: FeelFrame = newFrame(0);

/**
 * Turns FEEL syntax trees into closures. Constant subtrees are evaluated here, at deploy; literal operands get
 * specialised closures so that `Age >= 18` does one typeof check and one comparison at run time.
 */
export class FeelCompiler {
  readonly problems: CompileProblem[] = [];

  constructor(private readonly scope: CompileScope) {}

  expression(node: FeelNode, scope: CompileScope = this.scope): CompiledExpression {
    return this.compile(node, scope);
  }

  unaryTests(node: UnaryTestsNode, scope: CompileScope = this.scope): UnaryTest {
    if (node.type === 'AnyTest') return anyValue;
    const test = this.positiveTests(node.tests, scope);
    if (!node.negated) return test;
    return (value, frame) => {
      const r = test(value, frame);
      return r === null ? null : !r;
    };
  }

  private positiveTests(tests: readonly PositiveUnaryTest[], scope: CompileScope): UnaryTest {
    const compiled = tests.map((t) => this.positiveTest(t, scope));
    if (compiled.length === 1) return compiled[0];
    const constants = tests.map(constantEqualityOperand);
    if (constants.every((c) => c !== undefined && typeof c.value === 'string')) {
      // "Medium","Low": one Set lookup instead of a chain of comparisons.
      const set = new Set(constants.map((c) => c?.value as string));
      return (v) => (typeof v === 'string' ? set.has(v) : v === null || v === undefined ? false : null);
    }
    return (value, frame) => {
      let sawNull = false;
      for (let i = 0; i < compiled.length; i++) {
        const r = compiled[i](value, frame);
        if (r === true) return true;
        if (r === null) sawNull = true;
      }
      return sawNull ? null : false;
    };
  }

  private positiveTest(test: PositiveUnaryTest, scope: CompileScope): UnaryTest {
    switch (test.type) {
      case 'CompareTest': {
        const operand = this.compile(test.operand, scope);
        if (operand.constant) return constantComparisonTest(test.op, operand.constant.value);
        const compare = COMPARATORS[test.op];
        const read = operand.evaluate;
        return (value, frame) => compare(value, read(frame));
      }
      case 'RangeTest':
        return this.rangeTest(test.range, scope);
      case 'ExpressionTest': {
        const expression = this.compile(test.expression, scope);
        if (test.usesQuestionMark) {
          const read = expression.evaluate;
          return (value, frame) => {
            const saved = frame.q;
            frame.q = value;
            const r = read(frame);
            frame.q = saved;
            return typeof r === 'boolean' ? r : null;
          };
        }
        if (expression.constant) return constantValueTest(expression.constant.value);
        const read = expression.evaluate;
        return (value, frame) => valueMatches(value, read(frame));
      }
    }
  }

  private rangeTest(range: RangeNode, scope: CompileScope): UnaryTest {
    const start = range.start ? this.compile(range.start, scope) : null;
    const end = range.end ? this.compile(range.end, scope) : null;
    const lo = start?.constant?.value;
    const hi = end?.constant?.value;
    if (typeof lo === 'number' && typeof hi === 'number') {
      const { startIncluded, endIncluded } = range;
      if (startIncluded && endIncluded) return (v) => (typeof v === 'number' ? v >= lo && v <= hi : null);
      if (startIncluded) return (v) => (typeof v === 'number' ? v >= lo && v < hi : null);
      if (endIncluded) return (v) => (typeof v === 'number' ? v > lo && v <= hi : null);
      return (v) => (typeof v === 'number' ? v > lo && v < hi : null);
    }
    const readStart = start?.evaluate ?? nullValue;
    const readEnd = end?.evaluate ?? nullValue;
    if ((start === null || start.constant) && (end === null || end.constant)) {
      const constantRange = new FeelRange(lo ?? null, hi ?? null, range.startIncluded, range.endIncluded);
      return (v) => feelInRange(v, constantRange);
    }
    return (v, frame) => feelInRange(v, new FeelRange(readStart(frame), readEnd(frame), range.startIncluded, range.endIncluded));
  }

  private compile(node: FeelNode, scope: CompileScope): CompiledExpression {
    switch (node.type) {
      case 'Literal':
        return constant(node.value);
      case 'QuestionMark':
        return dynamic((f) => f.q, ANY_TYPE);
      case 'Name':
        return this.name(node.name, scope);
      case 'Negate': {
        const operand = this.compile(node.operand, scope);
        const read = operand.evaluate;
        return fold(dynamic((f) => feelNegate(read(f)), NUMBER_TYPE), [operand]);
      }
      case 'Arithmetic':
        return this.arithmetic(node.op, this.compile(node.left, scope), this.compile(node.right, scope));
      case 'Compare': {
        const left = this.compile(node.left, scope);
        const right = this.compile(node.right, scope);
        const compare = COMPARATORS[node.op];
        const l = left.evaluate;
        if (right.constant) {
          const c = right.constant.value;
          return fold(dynamic((f) => compare(l(f), c), BOOLEAN_TYPE), [left]);
        }
        const r = right.evaluate;
        return fold(dynamic((f) => compare(l(f), r(f)), BOOLEAN_TYPE), [left, right]);
      }
      case 'Logical': {
        const left = this.compile(node.left, scope);
        const right = this.compile(node.right, scope);
        const l = left.evaluate;
        const r = right.evaluate;
        const ev: Evaluator =
          node.op === 'and'
            ? (f) => {
                const a = l(f);
                return a === false ? false : feelAnd(a, r(f));
              }
            : (f) => {
                const a = l(f);
                return a === true ? true : feelOr(a, r(f));
              };
        return fold(dynamic(ev, BOOLEAN_TYPE), [left, right]);
      }
      case 'Between': {
        const value = this.compile(node.value, scope);
        const low = this.compile(node.low, scope);
        const high = this.compile(node.high, scope);
        const [v, lo, hi] = [value.evaluate, low.evaluate, high.evaluate];
        return fold(
          dynamic((f) => {
            const x = v(f);
            return feelAnd(feelGreaterOrEqual(x, lo(f)), feelLessOrEqual(x, hi(f)));
          }, BOOLEAN_TYPE),
          [value, low, high],
        );
      }
      case 'In': {
        const value = this.compile(node.value, scope);
        const test = this.positiveTests(node.tests, scope);
        const v = value.evaluate;
        return dynamic((f) => test(v(f), f), BOOLEAN_TYPE);
      }
      case 'InstanceOf': {
        const value = this.compile(node.value, scope);
        const v = value.evaluate;
        const typeName = node.typeName;
        return fold(dynamic((f) => isInstanceOf(v(f), typeName), BOOLEAN_TYPE), [value]);
      }
      case 'If': {
        const condition = this.compile(node.condition, scope);
        const then = this.compile(node.then, scope);
        const otherwise = this.compile(node.otherwise, scope);
        const [c, t, e] = [condition.evaluate, then.evaluate, otherwise.evaluate];
        const type = then.type.kind === 'null' ? otherwise.type : then.type;
        return fold(dynamic((f) => (c(f) === true ? t(f) : e(f)), type), [condition, then, otherwise]);
      }
      case 'For':
        return this.forExpression(node.iterators, node.body, scope);
      case 'Quantified':
        return this.quantified(node.quantifier, node.iterators, node.condition, scope);
      case 'Path': {
        const base = this.compile(node.base, scope);
        const b = base.evaluate;
        const member = node.member;
        return fold(dynamic((f) => readPath(b(f), member), memberType(base.type, member)), [base]);
      }
      case 'Filter':
        return this.filter(node.base, node.filter, scope);
      case 'Call':
        return this.call(node, scope);
      case 'List': {
        const items = node.items.map((i) => this.compile(i, scope));
        const readers = items.map((i) => i.evaluate);
        const element = items.length > 0 ? items[0].type : ANY_TYPE;
        return fold(
          dynamic((f) => {
            const out = new Array<unknown>(readers.length);
            for (let i = 0; i < readers.length; i++) out[i] = readers[i](f);
            return out;
          }, listOf(element)),
          items,
        );
      }
      case 'Context':
        return this.context(node.entries, scope);
      case 'Range': {
        const start = node.start ? this.compile(node.start, scope) : constant(null);
        const end = node.end ? this.compile(node.end, scope) : constant(null);
        const [s, e] = [start.evaluate, end.evaluate];
        const { startIncluded, endIncluded } = node;
        return fold(
          dynamic((f) => new FeelRange(s(f), e(f), startIncluded, endIncluded), { kind: 'range', element: start.type }),
          [start, end],
        );
      }
      case 'FunctionDefinition': {
        const params = node.parameters;
        const body = this.compile(node.body, new LocalScope(scope, new Map(params.map((p) => [p, ANY_TYPE]))));
        const b = body.evaluate;
        return dynamic((f) => {
          const captured = f.locals;
          return new FeelFunction('anonymous', params, (args, caller) => {
            const locals: Record<string, unknown> = Object.create(captured);
            for (let i = 0; i < params.length; i++) locals[params[i]] = args[i] ?? null;
            return b(childFrame(caller, locals));
          });
        }, functionType(body.type));
      }
    }
  }

  private name(name: string, scope: CompileScope): CompiledExpression {
    const binding = scope.resolve(name);
    if (binding) return readBinding(name, binding);
    const builtin = BUILTIN_FUNCTIONS.get(name);
    if (builtin) return { evaluate: () => builtin.fn, type: functionType(builtin.result), constant: { value: builtin.fn } };
    this.problems.push({ code: 'UNKNOWN_NAME', message: `'${name}' is not declared; it is read from the inputs as given` });
    return readBinding(name, { kind: 'input', type: ANY_TYPE });
  }

  private arithmetic(op: string, left: CompiledExpression, right: CompiledExpression): CompiledExpression {
    const apply = ARITHMETIC[op];
    const l = left.evaluate;
    const type = arithmeticType(op, left.type, right.type);
    if (right.constant) {
      const c = right.constant.value;
      return fold(dynamic((f) => apply(l(f), c), type), [left]);
    }
    const r = right.evaluate;
    return fold(dynamic((f) => apply(l(f), r(f)), type), [left, right]);
  }

  private call(node: Extract<FeelNode, { type: 'Call' }>, scope: CompileScope): CompiledExpression {
    const calleeName = node.callee.type === 'Name' ? node.callee.name : 'function';
    const callee = this.callee(node.callee, scope);
    const args = node.args.map((a) => this.compile(a, scope));
    const named = (node.named ?? []).map((a) => ({ name: a.name, value: this.compile(a.value, scope) }));
    const known = callee.constant?.value instanceof FeelFunction ? callee.constant.value : null;
    const resultType = callee.type.kind === 'function' ? callee.type.result : ANY_TYPE;
    const c = callee.evaluate;

    if (named.length > 0 && !known) {
      // Named arguments to a function only known at run time: map them by name at each call.
      const readers = args.map((a) => a.evaluate);
      const names = named.map((a) => a.name);
      const namedReaders = named.map((a) => a.value.evaluate);
      return dynamic((f) => {
        const fn = c(f);
        if (!(fn instanceof FeelFunction)) return notAFunction(f, calleeName);
        const values = fn.parameterNames.map(() => null as unknown);
        for (let i = 0; i < readers.length; i++) values[i] = readers[i](f);
        for (let i = 0; i < names.length; i++) {
          const index = fn.parameterNames.indexOf(names[i]);
          if (index >= 0) values[index] = namedReaders[i](f);
        }
        return fn.invoke(values, f);
      }, resultType);
    }

    const readers = args.map((a) => a.evaluate);
    if (known && named.length > 0) {
      // Named arguments against a known signature: put them in parameter order now, not at every call.
      while (readers.length < known.parameterNames.length) readers.push(nullValue);
      for (const a of named) {
        const index = known.parameterNames.indexOf(a.name);
        if (index < 0) this.problems.push({ code: 'UNKNOWN_PARAMETER', message: `'${calleeName}' has no parameter '${a.name}'` });
        else readers[index] = a.value.evaluate;
      }
    }
    const readArgs = (f: FeelFrame): unknown[] => {
      const values = new Array<unknown>(readers.length);
      for (let i = 0; i < readers.length; i++) values[i] = readers[i](f);
      return values;
    };
    if (known) {
      const invoke = known.invoke;
      const pure = BUILTIN_FUNCTIONS.get(calleeName)?.fn === known;
      // Built-ins are pure: a call with constant arguments is computed at deploy.
      return fold(dynamic((f) => invoke(readArgs(f), f), resultType), pure ? [...args, ...named.map((a) => a.value)] : [DYNAMIC]);
    }
    return dynamic((f) => {
      const fn = c(f);
      return fn instanceof FeelFunction ? fn.invoke(readArgs(f), f) : notAFunction(f, calleeName);
    }, resultType);
  }

  /** A called name resolves like any other name, but an unknown one is an unknown function, not an input. */
  private callee(node: FeelNode, scope: CompileScope): CompiledExpression {
    if (node.type !== 'Name') return this.compile(node, scope);
    const binding = scope.resolve(node.name);
    const builtin = binding ? undefined : BUILTIN_FUNCTIONS.get(node.name);
    const compiled = binding
      ? readBinding(node.name, binding)
      : builtin
        ? { evaluate: () => builtin.fn, type: functionType(builtin.result), constant: { value: builtin.fn as unknown } }
        : null;
    if (!compiled) {
      this.problems.push({ code: 'UNKNOWN_FUNCTION', message: `function '${node.name}' is not known` });
      return constant(null);
    }
    if (compiled.type.kind !== 'function' && compiled.type.kind !== 'any') {
      this.problems.push({ code: 'NOT_A_FUNCTION', message: `'${node.name}' is not a function` });
    }
    return compiled;
  }

  private context(entries: Extract<FeelNode, { type: 'Context' }>['entries'], scope: CompileScope): CompiledExpression {
    const names = new Map<string, FeelType>();
    const compiled: { key: string; read: Evaluator }[] = [];
    for (const entry of entries) {
      // Later entries see earlier ones, as in a boxed context.
      const value = this.compile(entry.value, new LocalScope(scope, new Map(names)));
      names.set(entry.key, value.type);
      compiled.push({ key: entry.key, read: value.evaluate });
    }
    return dynamic(
      (f) => {
        const saved = f.locals;
        const locals: Record<string, unknown> = Object.create(saved);
        const result: Record<string, unknown> = {};
        f.locals = locals;
        for (const { key, read } of compiled) {
          const value = read(f);
          locals[key] = value;
          result[key] = value;
        }
        f.locals = saved;
        return result;
      },
      { kind: 'context', entries: names },
    );
  }

  private forExpression(iterators: readonly Iterator[], body: FeelNode, scope: CompileScope): CompiledExpression {
    const { sources, names, inner } = this.iteration(iterators, scope);
    const compiledBody = this.compile(body, inner);
    const b = compiledBody.evaluate;
    return dynamic((f) => {
      const out: unknown[] = [];
      const saved = f.locals;
      const ok = iterate(f, sources, names, () => {
        out.push(b(f));
        return true;
      });
      f.locals = saved;
      return ok ? out : null;
    }, listOf(compiledBody.type));
  }

  private quantified(quantifier: 'some' | 'every', iterators: readonly Iterator[], condition: FeelNode, scope: CompileScope): CompiledExpression {
    const { sources, names, inner } = this.iteration(iterators, scope);
    const c = this.compile(condition, inner).evaluate;
    const some = quantifier === 'some';
    return dynamic((f) => {
      let found = false;
      const saved = f.locals;
      const ok = iterate(f, sources, names, () => {
        const r = c(f) === true;
        if (r === some) found = true;
        return !found;
      });
      f.locals = saved;
      if (!ok) return null;
      return some ? found : !found;
    }, BOOLEAN_TYPE);
  }

  private iteration(iterators: readonly Iterator[], scope: CompileScope) {
    const names: string[] = [];
    const sources: IterationSource[] = [];
    let inner: CompileScope = scope;
    for (const it of iterators) {
      const from = this.compile(it.source, inner);
      const to = it.to ? this.compile(it.to, inner) : null;
      sources.push({ from: from.evaluate, to: to?.evaluate ?? null });
      names.push(it.name);
      const element = to ? NUMBER_TYPE : from.type.kind === 'list' ? from.type.element : ANY_TYPE;
      inner = new LocalScope(inner, new Map([[it.name, element]]));
    }
    return { sources, names, inner };
  }

  private filter(baseNode: FeelNode, filterNode: FeelNode, scope: CompileScope): CompiledExpression {
    const base = this.compile(baseNode, scope);
    const b = base.evaluate;
    const element = base.type.kind === 'list' ? base.type.element : ANY_TYPE;
    const locals = new Map<string, FeelType>([['item', element]]);
    if (element.kind === 'context' && element.entries) for (const [k, t] of element.entries) locals.set(k, t);
    const filter = this.compile(filterNode, new LocalScope(scope, locals, element.kind !== 'context' || element.entries === null));
    if (filter.constant && typeof filter.constant.value === 'number') {
      const index = filter.constant.value;
      return dynamic((f) => listIndex(b(f), index), element);
    }
    const test = filter.evaluate;
    return dynamic((f) => {
      const value = b(f);
      const list = Array.isArray(value) ? value : value === null ? null : [value];
      if (list === null) return null;
      const saved = f.locals;
      const out: unknown[] = [];
      for (const item of list) {
        const l: Record<string, unknown> = Object.create(saved);
        if (isFeelContext(item)) Object.assign(l, item);
        l.item = item;
        f.locals = l;
        const r = test(f);
        if (typeof r === 'number') {
          f.locals = saved;
          return listIndex(list, r);
        }
        if (r === true) out.push(item);
      }
      f.locals = saved;
      return out;
    }, listOf(element));
  }
}

/** An operand that never folds, for calls that must run at evaluation time. */
const DYNAMIC: CompiledExpression = { evaluate: () => null, type: ANY_TYPE, constant: null };

function dynamic(evaluate: Evaluator, type: FeelType): CompiledExpression {
  return { evaluate, type, constant: null };
}

function constant(value: unknown): CompiledExpression {
  const v = value === undefined ? null : value;
  return { evaluate: () => v, type: typeOfValue(v), constant: { value: v } };
}

/** When every operand is a constant, evaluate now and keep only the result. */
function fold(expression: CompiledExpression, operands: readonly CompiledExpression[]): CompiledExpression {
  if (!operands.every((o) => o.constant !== null)) return expression;
  const value = expression.evaluate(FOLDING_FRAME);
  const folded = constant(value);
  return value === null ? { ...folded, type: expression.type.kind === 'any' ? NULL_TYPE : expression.type } : folded;
}

function readBinding(name: string, binding: NameBinding): CompiledExpression {
  switch (binding.kind) {
    case 'slot': {
      const index = binding.index;
      return dynamic((f) => f.slots[index], binding.type);
    }
    case 'local':
      return dynamic((f) => {
        const locals = f.locals;
        if (locals === null) return null;
        const v = locals[name];
        return v === undefined ? null : v;
      }, binding.type);
    case 'constant':
      return { evaluate: () => binding.value, type: binding.type, constant: { value: binding.value } };
    case 'deferred': {
      const get = binding.get;
      return dynamic(() => get(), binding.type);
    }
    case 'input':
      return dynamic((f) => (Object.prototype.hasOwnProperty.call(f.inputs, name) ? (f.inputs[name] ?? null) : null), binding.type);
  }
}

export function typeOfValue(value: unknown): FeelType {
  switch (feelTypeOf(value)) {
    case 'null':
      return NULL_TYPE;
    case 'number':
      return NUMBER_TYPE;
    case 'string':
      return STRING_TYPE;
    case 'boolean':
      return BOOLEAN_TYPE;
    case 'date':
      return { kind: 'primitive', name: 'date' };
    case 'date and time':
      return { kind: 'primitive', name: 'date and time' };
    case 'list':
      return ANY_LIST_TYPE;
    case 'context':
      return ANY_CONTEXT_TYPE;
    default:
      return ANY_TYPE;
  }
}

function arithmeticType(op: string, left: FeelType, right: FeelType): FeelType {
  const isString = (t: FeelType) => t.kind === 'primitive' && t.name === 'string';
  if (op === '+' && (isString(left) || isString(right))) return STRING_TYPE;
  if (left.kind === 'any' || right.kind === 'any') return op === '+' ? ANY_TYPE : NUMBER_TYPE;
  return NUMBER_TYPE;
}

function memberType(base: FeelType, member: string): FeelType {
  if (base.kind === 'context' && base.entries) return base.entries.get(member) ?? ANY_TYPE;
  if (base.kind === 'list') return listOf(memberType(base.element, member));
  if (base.kind === 'primitive' && base.name === 'date') return NUMBER_TYPE;
  return ANY_TYPE;
}

const anyValue: UnaryTest = () => true;
const nullValue: Evaluator = () => null;

function constantEqualityOperand(test: PositiveUnaryTest): { value: unknown } | undefined {
  if (test.type === 'ExpressionTest' && test.expression.type === 'Literal') return { value: test.expression.value };
  return undefined;
}

function notAFunction(frame: FeelFrame, name: string): null {
  warn(frame, { code: 'NOT_A_FUNCTION', element: name, message: `'${name}' is not a function` });
  return null;
}

