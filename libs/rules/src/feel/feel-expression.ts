import { KairosError } from '@kairos/contracts';
import { CompileScope, FeelCompiler, NameBinding } from './feel-compiler';
import { newFrame } from './feel-frame';
import { DeclaredNames } from './feel-lexer';
import { MULTI_WORD_BUILTINS } from './feel-builtins';
import { parseFeelExpression, parseFeelUnaryTests } from './feel-parser';
import { FeelSyntaxError } from './feel-syntax-error';
import { ANY_TYPE } from './feel-types';

/** A FEEL expression compiled once and evaluated against variables read by name. */
export interface CompiledFeelExpression {
  readonly source: string;
  evaluate(variables?: Readonly<Record<string, unknown>>): unknown;
}

/** A FEEL input entry (`< 18`, `"A","B"`, `[1..5]`) compiled once. */
export interface CompiledFeelUnaryTests {
  readonly source: string;
  /** True only on a match; `null` (not comparable) counts as no match, as in a decision table. */
  test(value: unknown, variables?: Readonly<Record<string, unknown>>): boolean;
}

const NO_VARIABLES: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * For FEEL outside decision tables (triggers, guards). `variableNames` lists names that contain spaces or
 * keywords so the lexer can find them; plain names are read from the variables either way.
 */
export function compileFeelExpression(source: string, variableNames: readonly string[] = []): CompiledFeelExpression {
  const { compiler, declared } = setUp(variableNames);
  const evaluate = guard(source, () => compiler.expression(parseFeelExpression(source, declared)).evaluate);
  return {
    source,
    evaluate: (variables = NO_VARIABLES) => evaluate(newFrame(0, variables)),
  };
}

export function compileFeelUnaryTests(source: string, variableNames: readonly string[] = []): CompiledFeelUnaryTests {
  const { compiler, declared } = setUp(variableNames);
  const test = guard(source, () => compiler.unaryTests(parseFeelUnaryTests(source, declared)));
  return {
    source,
    test: (value, variables = NO_VARIABLES) => test(value === undefined ? null : value, newFrame(0, variables)) === true,
  };
}

function setUp(variableNames: readonly string[]) {
  const names = new Set(variableNames);
  const scope: CompileScope = {
    resolve: (name): NameBinding | undefined => (names.has(name) ? { kind: 'input', type: ANY_TYPE } : undefined),
  };
  return { compiler: new FeelCompiler(scope), declared: new DeclaredNames([...variableNames, ...MULTI_WORD_BUILTINS]) };
}

function guard<T>(source: string, compile: () => T): T {
  try {
    return compile();
  } catch (error) {
    if (!(error instanceof FeelSyntaxError)) throw error;
    throw new KairosError('VALIDATION_FAILED', 'the FEEL expression does not parse', [
      { path: 'expression', rule: 'feel', message: `${error.reason} at position ${error.position} in '${source}'` },
    ]);
  }
}
