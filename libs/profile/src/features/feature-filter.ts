import type { CustomerEvent, EventType } from '@kairos/contracts';
import { compileValueReader, resolveEventField } from './event-field';

/**
 * The filter language of feature definitions: deliberately tiny so it can be checked against the event catalog at
 * registration and evaluated without an interpreter on the hot path.
 *
 *   expr    := and ('or' and)*            and := unary ('and' unary)*     unary := 'not' unary | primary
 *   primary := '(' expr ')' | path 'exists' | path op literal | path 'in' '[' literal (',' literal)* ']'
 *   op      := == != < <= > >=            literal := 'text' | number | true | false
 *   path    := occurredAt | data.<field>(.<field>)*
 *
 * A comparison with a field the event does not carry is false.
 */
export type EventPredicate = (event: CustomerEvent) => boolean;

type Literal = string | number | boolean;
type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';

type FilterNode =
  | { readonly kind: 'or' | 'and'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly operand: FilterNode }
  | { readonly kind: 'exists'; readonly path: string }
  | { readonly kind: 'compare'; readonly path: string; readonly operator: ComparisonOperator; readonly literal: Literal }
  | { readonly kind: 'in'; readonly path: string; readonly literals: readonly Literal[] };

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'literal'; readonly value: Literal; readonly at: number }
  | { readonly kind: 'symbol'; readonly text: string; readonly at: number };

class FilterSyntaxError extends Error {}

/** Parses, checks against every source type and compiles; returns the predicate or the reasons it is refused. */
export function compileFeatureFilter(text: string, sources: readonly EventType[]): EventPredicate | string[] {
  let node: FilterNode;
  try {
    node = new FilterParser(tokenize(text)).parse();
  } catch (error) {
    if (error instanceof FilterSyntaxError) return [error.message];
    throw error;
  }
  const problems: string[] = [];
  for (const source of sources) checkNode(node, source, problems);
  if (problems.length > 0) return [...new Set(problems)];
  return compileNode(node);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j++];
      }
      if (j >= text.length) throw new FilterSyntaxError(`unterminated string at position ${i}`);
      tokens.push({ kind: 'literal', value, at: i });
      i = j + 1;
    } else if (/[0-9-]/.test(c)) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i));
      if (!match) throw new FilterSyntaxError(`unexpected '${c}' at position ${i}`);
      tokens.push({ kind: 'literal', value: Number(match[0]), at: i });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i)) as RegExpExecArray;
      const word = match[0];
      if (word === 'true' || word === 'false') tokens.push({ kind: 'literal', value: word === 'true', at: i });
      else tokens.push({ kind: 'word', text: word, at: i });
      i += word.length;
    } else {
      const two = text.slice(i, i + 2);
      if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
        tokens.push({ kind: 'symbol', text: two, at: i });
        i += 2;
      } else if ('<>()[],'.includes(c)) {
        tokens.push({ kind: 'symbol', text: c, at: i });
        i++;
      } else {
        throw new FilterSyntaxError(`unexpected '${c}' at position ${i}`);
      }
    }
  }
  return tokens;
}

const COMPARISON_OPERATORS: readonly string[] = ['==', '!=', '<', '<=', '>', '>='];

class FilterParser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): FilterNode {
    if (this.tokens.length === 0) throw new FilterSyntaxError('is empty');
    const node = this.parseOr();
    const rest = this.tokens[this.position];
    if (rest) throw new FilterSyntaxError(`unexpected token at position ${rest.at}`);
    return node;
  }

  private parseOr(): FilterNode {
    let node = this.parseAnd();
    while (this.acceptWord('or')) node = { kind: 'or', left: node, right: this.parseAnd() };
    return node;
  }

  private parseAnd(): FilterNode {
    let node = this.parseUnary();
    while (this.acceptWord('and')) node = { kind: 'and', left: node, right: this.parseUnary() };
    return node;
  }

  private parseUnary(): FilterNode {
    if (this.acceptWord('not')) return { kind: 'not', operand: this.parseUnary() };
    if (this.acceptSymbol('(')) {
      const node = this.parseOr();
      this.expectSymbol(')');
      return node;
    }
    const path = this.next();
    if (path?.kind !== 'word' || ['and', 'or', 'not', 'in', 'exists'].includes(path.text)) {
      throw new FilterSyntaxError(`expected a field such as data.product at position ${path?.at ?? 'end'}`);
    }
    if (this.acceptWord('exists')) return { kind: 'exists', path: path.text };
    if (this.acceptWord('in')) {
      this.expectSymbol('[');
      const literals = [this.expectLiteral()];
      while (this.acceptSymbol(',')) literals.push(this.expectLiteral());
      this.expectSymbol(']');
      return { kind: 'in', path: path.text, literals };
    }
    const operator = this.next();
    if (operator?.kind !== 'symbol' || !COMPARISON_OPERATORS.includes(operator.text)) {
      throw new FilterSyntaxError(`expected ==, !=, <, <=, >, >=, in or exists after ${path.text}`);
    }
    return { kind: 'compare', path: path.text, operator: operator.text as ComparisonOperator, literal: this.expectLiteral() };
  }

  private next(): Token | undefined {
    return this.tokens[this.position++];
  }

  private acceptWord(word: string): boolean {
    const token = this.tokens[this.position];
    if (token?.kind === 'word' && token.text === word) {
      this.position++;
      return true;
    }
    return false;
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.tokens[this.position];
    if (token?.kind === 'symbol' && token.text === symbol) {
      this.position++;
      return true;
    }
    return false;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw new FilterSyntaxError(`expected '${symbol}' at position ${this.tokens[this.position]?.at ?? 'end'}`);
  }

  private expectLiteral(): Literal {
    const token = this.next();
    if (token?.kind !== 'literal') throw new FilterSyntaxError(`expected a literal ('text', number, true or false) at position ${token?.at ?? 'end'}`);
    return token.value;
  }
}

function checkNode(node: FilterNode, source: EventType, problems: string[]): void {
  switch (node.kind) {
    case 'or':
    case 'and':
      checkNode(node.left, source, problems);
      checkNode(node.right, source, problems);
      return;
    case 'not':
      checkNode(node.operand, source, problems);
      return;
    case 'exists': {
      const field = resolveEventField(source, node.path);
      if (typeof field === 'string') problems.push(field);
      return;
    }
    case 'compare':
    case 'in': {
      const field = resolveEventField(source, node.path);
      if (typeof field === 'string') {
        problems.push(field);
        return;
      }
      if (field.kind === 'object') {
        problems.push(`${node.path} is an object and cannot be compared`);
        return;
      }
      const expected = field.kind === 'timestamp' ? 'number' : field.kind;
      const literals = node.kind === 'in' ? node.literals : [node.literal];
      for (const literal of literals) {
        if (typeof literal !== expected) problems.push(`${node.path} is a ${field.kind}; ${JSON.stringify(literal)} is not`);
        else if (field.enumValues && !field.enumValues.includes(String(literal))) {
          problems.push(`${source}.${node.path} is one of ${field.enumValues.join(', ')}; ${JSON.stringify(literal)} never matches`);
        }
      }
      if (node.kind === 'compare' && expected !== 'number' && node.operator !== '==' && node.operator !== '!=') {
        problems.push(`${node.operator} compares numbers only; ${node.path} is a ${field.kind}`);
      }
      return;
    }
  }
}

function compileNode(node: FilterNode): EventPredicate {
  switch (node.kind) {
    case 'or': {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (event) => left(event) || right(event);
    }
    case 'and': {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (event) => left(event) && right(event);
    }
    case 'not': {
      const operand = compileNode(node.operand);
      return (event) => !operand(event);
    }
    case 'exists': {
      const read = compileValueReader(node.path);
      return (event) => {
        const value = read(event);
        return value !== undefined && value !== null;
      };
    }
    case 'in': {
      const read = compileValueReader(node.path);
      const literals = new Set<unknown>(node.literals);
      return (event) => literals.has(read(event));
    }
    case 'compare':
      return compileComparison(node.path, node.operator, node.literal);
  }
}

function compileComparison(path: string, operator: ComparisonOperator, literal: Literal): EventPredicate {
  const read = compileValueReader(path);
  switch (operator) {
    case '==':
      return (event) => read(event) === literal;
    case '!=':
      return (event) => {
        const value = read(event);
        return value !== undefined && value !== null && value !== literal;
      };
    case '<':
      return numeric(read, (value) => value < (literal as number));
    case '<=':
      return numeric(read, (value) => value <= (literal as number));
    case '>':
      return numeric(read, (value) => value > (literal as number));
    case '>=':
      return numeric(read, (value) => value >= (literal as number));
  }
}

function numeric(read: (event: CustomerEvent) => unknown, test: (value: number) => boolean): EventPredicate {
  return (event) => {
    const value = read(event);
    return typeof value === 'number' && test(value);
  };
}
