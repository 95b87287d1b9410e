import type {
  CompareOperator,
  ContextEntryNode,
  FeelNode,
  Iterator,
  NamedArgument,
  PositiveUnaryTest,
  RangeNode,
  UnaryTestsNode,
} from './feel-ast';
import { usesQuestionMark } from './feel-ast';
import { DeclaredNames, Token, tokenize } from './feel-lexer';
import { FeelSyntaxError } from './feel-syntax-error';
import { parseFeelDate, parseFeelDateTime } from './feel-values';

const KEYWORDS = new Set([
  'and', 'or', 'not', 'if', 'then', 'else', 'for', 'in', 'return', 'some', 'every', 'satisfies',
  'between', 'instance', 'of', 'true', 'false', 'null', 'function',
]);

const COMPARE_OPERATORS = new Set<string>(['=', '!=', '<', '<=', '>', '>=']);

/** Parses a FEEL expression (literal expressions, output entries, input expressions). */
export function parseFeelExpression(source: string, declared: DeclaredNames): FeelNode {
  const parser = new FeelParser(source, tokenize(source, declared));
  const node = parser.expression();
  parser.expectEnd();
  return node;
}

/**
 * Parses FEEL unary tests (input entries, allowed values). An empty cell, as Camunda's modeler writes it, is
 * the same as `-`.
 */
export function parseFeelUnaryTests(source: string, declared: DeclaredNames): UnaryTestsNode {
  const trimmed = source.trim();
  if (trimmed === '' || trimmed === '-') return { type: 'AnyTest' };
  const parser = new FeelParser(source, tokenize(source, declared));
  const node = parser.unaryTests();
  parser.expectEnd();
  return node;
}

class FeelParser {
  private pos = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  expectEnd(): void {
    if (this.peek().kind !== 'eof') this.fail(`unexpected '${this.peek().text}'`);
  }

  unaryTests(): UnaryTestsNode {
    if (this.isKeyword('not') && this.peekAt(1).text === '(' && this.peekAt(1).kind === 'punct') {
      const save = this.pos;
      this.pos += 2;
      const tests = this.positiveUnaryTests();
      if (this.isPunct(')') && this.peekAt(1).kind === 'eof') {
        this.pos++;
        return { type: 'Tests', negated: true, tests };
      }
      // `not(x) = y` and similar: an ordinary expression that starts with a call to not().
      this.pos = save;
    }
    return { type: 'Tests', negated: false, tests: this.positiveUnaryTests() };
  }

  private positiveUnaryTests(): PositiveUnaryTest[] {
    const tests = [this.positiveUnaryTest()];
    while (this.acceptPunct(',')) tests.push(this.positiveUnaryTest());
    return tests;
  }

  private positiveUnaryTest(): PositiveUnaryTest {
    const token = this.peek();
    if (token.kind === 'punct' && COMPARE_OPERATORS.has(token.text)) {
      this.pos++;
      return { type: 'CompareTest', op: token.text as CompareOperator, operand: this.additive() };
    }
    const expression = this.expression();
    if (expression.type === 'Range') return { type: 'RangeTest', range: expression };
    return { type: 'ExpressionTest', expression, usesQuestionMark: usesQuestionMark(expression) };
  }

  expression(): FeelNode {
    if (this.isKeyword('if')) return this.ifExpression();
    if (this.isKeyword('for')) return this.forExpression();
    if (this.isKeyword('some') || this.isKeyword('every')) return this.quantified();
    return this.disjunction();
  }

  private ifExpression(): FeelNode {
    this.pos++;
    const condition = this.expression();
    this.expectKeyword('then');
    const then = this.expression();
    this.expectKeyword('else');
    const otherwise = this.expression();
    return { type: 'If', condition, then, otherwise };
  }

  private forExpression(): FeelNode {
    this.pos++;
    const iterators = this.iterators();
    this.expectKeyword('return');
    return { type: 'For', iterators, body: this.expression() };
  }

  private quantified(): FeelNode {
    const quantifier = this.next().text as 'some' | 'every';
    const iterators = this.iterators();
    this.expectKeyword('satisfies');
    return { type: 'Quantified', quantifier, iterators, condition: this.expression() };
  }

  private iterators(): Iterator[] {
    const iterators: Iterator[] = [];
    do {
      const name = this.name();
      this.expectKeyword('in');
      const source = this.expression();
      const to = this.acceptPunct('..') ? this.expression() : null;
      iterators.push({ name, source, to });
    } while (this.acceptPunct(','));
    return iterators;
  }

  private disjunction(): FeelNode {
    let left = this.conjunction();
    while (this.acceptKeyword('or')) left = { type: 'Logical', op: 'or', left, right: this.conjunction() };
    return left;
  }

  private conjunction(): FeelNode {
    let left = this.comparison();
    while (this.acceptKeyword('and')) left = { type: 'Logical', op: 'and', left, right: this.comparison() };
    return left;
  }

  private comparison(): FeelNode {
    const left = this.additive();
    const token = this.peek();
    if (token.kind === 'punct' && COMPARE_OPERATORS.has(token.text)) {
      this.pos++;
      return { type: 'Compare', op: token.text as CompareOperator, left, right: this.additive() };
    }
    if (this.acceptKeyword('between')) {
      const low = this.additive();
      this.expectKeyword('and');
      return { type: 'Between', value: left, low, high: this.additive() };
    }
    if (this.acceptKeyword('in')) return { type: 'In', value: left, tests: this.inTests() };
    if (this.acceptKeyword('instance')) {
      this.expectKeyword('of');
      return { type: 'InstanceOf', value: left, typeName: this.typeName() };
    }
    return left;
  }

  /** `x in (1, 2)`, `x in (1..5)`, `x in [1..5]`, `x in < 3`, `x in list`. */
  private inTests(): PositiveUnaryTest[] {
    if (!this.isPunct('(')) return [this.positiveUnaryTest()];
    const save = this.pos;
    this.pos++;
    const first = this.positiveUnaryTest();
    if (first.type === 'ExpressionTest' && this.acceptPunct('..')) {
      const end = this.additive();
      const endIncluded = this.closingBracket();
      return [{ type: 'RangeTest', range: { type: 'Range', start: first.expression, end, startIncluded: false, endIncluded } }];
    }
    if (this.isPunct(',') || this.isPunct(')')) {
      const tests = [first];
      while (this.acceptPunct(',')) tests.push(this.positiveUnaryTest());
      this.expectPunct(')');
      return tests;
    }
    this.pos = save;
    return [this.positiveUnaryTest()];
  }

  private typeName(): string {
    let name = this.name();
    while (this.isPunct('.')) {
      this.pos++;
      name += `.${this.name()}`;
    }
    return name;
  }

  private additive(): FeelNode {
    let left = this.multiplicative();
    for (;;) {
      if (this.acceptPunct('+')) left = { type: 'Arithmetic', op: '+', left, right: this.multiplicative() };
      else if (this.acceptPunct('-')) left = { type: 'Arithmetic', op: '-', left, right: this.multiplicative() };
      else return left;
    }
  }

  private multiplicative(): FeelNode {
    let left = this.unary();
    for (;;) {
      if (this.acceptPunct('*')) left = { type: 'Arithmetic', op: '*', left, right: this.unary() };
      else if (this.acceptPunct('/')) left = { type: 'Arithmetic', op: '/', left, right: this.unary() };
      else return left;
    }
  }

  private unary(): FeelNode {
    if (this.acceptPunct('-')) {
      const operand = this.unary();
      // Fold `-5` into a literal so that unary tests like `< -5` stay analysable constants.
      if (operand.type === 'Literal' && typeof operand.value === 'number') return { type: 'Literal', value: -operand.value };
      return { type: 'Negate', operand };
    }
    return this.power();
  }

  private power(): FeelNode {
    let left = this.postfix();
    while (this.acceptPunct('**')) left = { type: 'Arithmetic', op: '**', left, right: this.unary() };
    return left;
  }

  private postfix(): FeelNode {
    let node = this.primary();
    for (;;) {
      if (this.isPunct('.') ) {
        this.pos++;
        node = { type: 'Path', base: node, member: this.name() };
      } else if (this.isPunct('[')) {
        this.pos++;
        const filter = this.expression();
        this.expectPunct(']');
        node = { type: 'Filter', base: node, filter };
      } else if (this.isPunct('(')) {
        this.pos++;
        node = this.call(node);
      } else {
        return node;
      }
    }
  }

  private call(callee: FeelNode): FeelNode {
    const args: FeelNode[] = [];
    let named: NamedArgument[] | null = null;
    if (!this.acceptPunct(')')) {
      do {
        if (this.peek().kind === 'name' && this.isNamedArgumentStart()) {
          const name = this.name();
          this.expectPunct(':');
          (named ??= []).push({ name, value: this.expression() });
        } else {
          if (named) this.fail('positional argument after named argument');
          args.push(this.expression());
        }
      } while (this.acceptPunct(','));
      this.expectPunct(')');
    }
    return { type: 'Call', callee, args, named };
  }

  private isNamedArgumentStart(): boolean {
    let i = 0;
    while (this.peekAt(i).kind === 'name') i++;
    return i > 0 && this.peekAt(i).kind === 'punct' && this.peekAt(i).text === ':';
  }

  private primary(): FeelNode {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
      case 'string':
        this.pos++;
        return { type: 'Literal', value: token.value };
      case 'name':
        return this.namePrimary(token);
      case 'punct':
        return this.punctPrimary(token);
      case 'eof':
        return this.fail('unexpected end of expression');
    }
  }

  private namePrimary(token: Token): FeelNode {
    if (!token.declared) {
      switch (token.text) {
        case 'true':
          this.pos++;
          return { type: 'Literal', value: true };
        case 'false':
          this.pos++;
          return { type: 'Literal', value: false };
        case 'null':
          this.pos++;
          return { type: 'Literal', value: null };
        case 'function':
          return this.functionDefinition();
        case 'not':
          // not(...) is an ordinary built-in call in expressions.
          if (this.peekAt(1).text === '(') {
            this.pos++;
            return { type: 'Name', name: 'not' };
          }
          return this.fail("'not' must be followed by '('");
        default:
          if (KEYWORDS.has(token.text)) this.fail(`unexpected keyword '${token.text}'`);
      }
    }
    return { type: 'Name', name: this.name() };
  }

  private functionDefinition(): FeelNode {
    this.pos++;
    this.expectPunct('(');
    const parameters: string[] = [];
    if (!this.acceptPunct(')')) {
      do {
        parameters.push(this.name());
        if (this.acceptPunct(':')) this.typeName();
      } while (this.acceptPunct(','));
      this.expectPunct(')');
    }
    return { type: 'FunctionDefinition', parameters, body: this.expression() };
  }

  private punctPrimary(token: Token): FeelNode {
    switch (token.text) {
      case '?':
        this.pos++;
        return { type: 'QuestionMark' };
      case '(': {
        this.pos++;
        const inner = this.expression();
        if (this.acceptPunct('..')) return this.rangeRest(inner, false);
        this.expectPunct(')');
        return inner;
      }
      case '[': {
        this.pos++;
        if (this.acceptPunct(']')) return { type: 'List', items: [] };
        const first = this.expression();
        if (this.acceptPunct('..')) return this.rangeRest(first, true);
        const items = [first];
        while (this.acceptPunct(',')) items.push(this.expression());
        this.expectPunct(']');
        return { type: 'List', items };
      }
      case ']': {
        this.pos++;
        const start = this.expression();
        this.expectPunct('..');
        return this.rangeRest(start, false);
      }
      case '{':
        return this.context();
      case '@':
        return this.atLiteral();
      default:
        return this.fail(`unexpected '${token.text}'`);
    }
  }

  private rangeRest(start: FeelNode, startIncluded: boolean): RangeNode {
    const end = this.expression();
    return { type: 'Range', start, end, startIncluded, endIncluded: this.closingBracket() };
  }

  /** `]` closes an inclusive end; `)` and `[` an exclusive one. */
  private closingBracket(): boolean {
    if (this.acceptPunct(']')) return true;
    if (this.acceptPunct(')') || this.acceptPunct('[')) return false;
    return this.fail("expected ']', ')' or '['");
  }

  private context(): FeelNode {
    this.pos++;
    const entries: ContextEntryNode[] = [];
    if (!this.acceptPunct('}')) {
      do {
        const keyToken = this.peek();
        let key: string;
        if (keyToken.kind === 'string') {
          this.pos++;
          key = String(keyToken.value);
        } else {
          key = this.name();
        }
        this.expectPunct(':');
        entries.push({ key, value: this.expression() });
      } while (this.acceptPunct(','));
      this.expectPunct('}');
    }
    return { type: 'Context', entries };
  }

  /** FEEL 1.3 temporal literal `@"2024-01-31"`, folded to a constant at deploy. */
  private atLiteral(): FeelNode {
    this.pos++;
    const token = this.next();
    if (token.kind !== 'string') return this.fail("expected a string after '@'");
    const text = String(token.value);
    const value = text.includes('T') ? parseFeelDateTime(text) : parseFeelDate(text);
    if (value === null) return this.fail(`unsupported temporal literal @"${text}"`);
    return { type: 'Literal', value };
  }

  /**
   * A name: one declared name, or several undeclared words joined (FEEL names may contain spaces, and a
   * Camunda table may read `Customer Segment` without declaring it as input data).
   */
  private name(): string {
    const token = this.next();
    if (token.kind !== 'name') return this.fail(`expected a name but found '${token.text || 'end'}'`);
    if (token.declared) return token.text;
    if (KEYWORDS.has(token.text)) return this.fail(`unexpected keyword '${token.text}'`);
    let name = token.text;
    while (this.peek().kind === 'name' && !this.peek().declared && !KEYWORDS.has(this.peek().text)) name += ` ${this.next().text}`;
    return name;
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private peekAt(offset: number): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.tokens[this.pos];
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.pos++;
    return true;
  }

  private expectPunct(text: string): void {
    if (!this.acceptPunct(text)) this.fail(`expected '${text}'`);
  }

  private isKeyword(word: string): boolean {
    const token = this.peek();
    return token.kind === 'name' && !token.declared && token.text === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos++;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) this.fail(`expected '${word}'`);
  }

  private fail(reason: string): never {
    throw new FeelSyntaxError(reason, this.source, this.peek().start);
  }
}
