import { FindingCollector, FindingLocation } from '../analysis/validation-finding';
import type { UnaryTestsNode } from '../feel/feel-ast';
import { CompileProblemCode, CompileScope, CompiledExpression, FeelCompiler } from '../feel/feel-compiler';
import type { UnaryTest } from '../feel/feel-frame';
import { DeclaredNames } from '../feel/feel-lexer';
import { parseFeelExpression, parseFeelUnaryTests } from '../feel/feel-parser';
import { FeelSyntaxError } from '../feel/feel-syntax-error';
import { ANY_TYPE } from '../feel/feel-types';
import type { DeclaredType, TypeRegistry } from '../types/type-registry';

const PROBLEM_SEVERITY: Record<CompileProblemCode, 'error' | 'warning'> = {
  // An undeclared name is read from the inputs as given: Camunda tables often declare no input data.
  UNKNOWN_NAME: 'warning',
  UNKNOWN_FUNCTION: 'error',
  NOT_A_FUNCTION: 'error',
  UNKNOWN_PARAMETER: 'error',
};

const FEEL_LANGUAGES = /^(feel|s-feel|https?:\/\/www\.omg\.org\/spec\/(feel|dmn)\/[\w/.-]*)$/i;

export interface CompiledUnaryTests {
  readonly test: UnaryTest;
  /** The parsed entry for table analysis; null when it did not parse. */
  readonly node: UnaryTestsNode | null;
}

/** Everything compiling one model needs, and the one place where FEEL problems become findings. */
export class ModelCompileContext {
  constructor(
    readonly declared: DeclaredNames,
    readonly types: TypeRegistry,
    readonly findings: FindingCollector,
  ) {}

  expression(text: string | undefined, scope: CompileScope, at: FindingLocation, language?: string): CompiledExpression {
    if (!this.isFeel(language, at)) return NULL_EXPRESSION;
    const source = text ?? '';
    if (source.trim() === '') return NULL_EXPRESSION;
    try {
      const compiler = new FeelCompiler(scope);
      const compiled = compiler.expression(parseFeelExpression(source, this.declared));
      this.reportProblems(compiler, at);
      return compiled;
    } catch (error) {
      this.reportSyntax(error, at);
      return NULL_EXPRESSION;
    }
  }

  unaryTests(text: string | undefined, scope: CompileScope, at: FindingLocation, language?: string): CompiledUnaryTests {
    if (!this.isFeel(language, at)) return { test: NEVER, node: null };
    try {
      const node = parseFeelUnaryTests(text ?? '', this.declared);
      const compiler = new FeelCompiler(scope);
      const test = compiler.unaryTests(node);
      this.reportProblems(compiler, at);
      return { test, node };
    } catch (error) {
      this.reportSyntax(error, at);
      return { test: NEVER, node: null };
    }
  }

  /** Resolves a typeRef, reporting unknown ones; an unknown type is treated as Any so evaluation can go on. */
  type(typeRef: string | undefined, at: FindingLocation): DeclaredType | undefined {
    const type = this.types.resolve(typeRef);
    if (!type) this.findings.report('error', 'UNKNOWN_TYPE', at, `type '${typeRef ?? ''}' is not defined`);
    return type;
  }

  private isFeel(language: string | undefined, at: FindingLocation): boolean {
    if (language === undefined || language === '' || FEEL_LANGUAGES.test(language.trim())) return true;
    this.findings.report('error', 'UNSUPPORTED', at, `expression language '${language}' is not supported; only FEEL is`);
    return false;
  }

  private reportProblems(compiler: FeelCompiler, at: FindingLocation): void {
    for (const p of compiler.problems) {
      this.findings.report(PROBLEM_SEVERITY[p.code], p.code === 'UNKNOWN_PARAMETER' ? 'UNKNOWN_NAME' : p.code, at, p.message);
    }
  }

  private reportSyntax(error: unknown, at: FindingLocation): void {
    if (!(error instanceof FeelSyntaxError)) throw error;
    this.findings.report('error', 'SYNTAX_ERROR', at, error.message);
  }
}

const NULL_EXPRESSION: CompiledExpression = { evaluate: () => null, type: ANY_TYPE, constant: { value: null } };
const NEVER: UnaryTest = () => false;
