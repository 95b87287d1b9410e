/** Syntax tree of the FEEL subset we compile. Produced once at deploy, turned into closures, then dropped. */
export type FeelNode =
  | { readonly type: 'Literal'; readonly value: unknown }
  | { readonly type: 'Name'; readonly name: string }
  | { readonly type: 'QuestionMark' }
  | { readonly type: 'Negate'; readonly operand: FeelNode }
  | { readonly type: 'Arithmetic'; readonly op: ArithmeticOperator; readonly left: FeelNode; readonly right: FeelNode }
  | { readonly type: 'Compare'; readonly op: CompareOperator; readonly left: FeelNode; readonly right: FeelNode }
  | { readonly type: 'Logical'; readonly op: 'and' | 'or'; readonly left: FeelNode; readonly right: FeelNode }
  | { readonly type: 'Between'; readonly value: FeelNode; readonly low: FeelNode; readonly high: FeelNode }
  | { readonly type: 'In'; readonly value: FeelNode; readonly tests: readonly PositiveUnaryTest[] }
  | { readonly type: 'InstanceOf'; readonly value: FeelNode; readonly typeName: string }
  | { readonly type: 'If'; readonly condition: FeelNode; readonly then: FeelNode; readonly otherwise: FeelNode }
  | { readonly type: 'For'; readonly iterators: readonly Iterator[]; readonly body: FeelNode }
  | {
      readonly type: 'Quantified';
      readonly quantifier: 'some' | 'every';
      readonly iterators: readonly Iterator[];
      readonly condition: FeelNode;
    }
  | { readonly type: 'Path'; readonly base: FeelNode; readonly member: string }
  | { readonly type: 'Filter'; readonly base: FeelNode; readonly filter: FeelNode }
  | { readonly type: 'Call'; readonly callee: FeelNode; readonly args: readonly FeelNode[]; readonly named: readonly NamedArgument[] | null }
  | { readonly type: 'List'; readonly items: readonly FeelNode[] }
  | { readonly type: 'Context'; readonly entries: readonly ContextEntryNode[] }
  | RangeNode
  | { readonly type: 'FunctionDefinition'; readonly parameters: readonly string[]; readonly body: FeelNode };

export interface RangeNode {
  readonly type: 'Range';
  readonly start: FeelNode | null;
  readonly end: FeelNode | null;
  readonly startIncluded: boolean;
  readonly endIncluded: boolean;
}

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '**';
export type CompareOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface Iterator {
  readonly name: string;
  readonly source: FeelNode;
  /** `for i in 1..n`: an integer sequence instead of a list. */
  readonly to: FeelNode | null;
}

export interface NamedArgument {
  readonly name: string;
  readonly value: FeelNode;
}

export interface ContextEntryNode {
  readonly key: string;
  readonly value: FeelNode;
}

/** One test of an input entry, e.g. `< 18`, `[1..5]`, `"High"`, `? > x`. */
export type PositiveUnaryTest =
  | { readonly type: 'CompareTest'; readonly op: CompareOperator; readonly operand: FeelNode }
  | { readonly type: 'RangeTest'; readonly range: RangeNode }
  | { readonly type: 'ExpressionTest'; readonly expression: FeelNode; readonly usesQuestionMark: boolean };

/** An input entry: `-`, a list of positive tests (any may match), or `not(...)` of such a list. */
export type UnaryTestsNode =
  | { readonly type: 'AnyTest' }
  | { readonly type: 'Tests'; readonly negated: boolean; readonly tests: readonly PositiveUnaryTest[] };

export function usesQuestionMark(node: FeelNode): boolean {
  switch (node.type) {
    case 'QuestionMark':
      return true;
    case 'Literal':
    case 'Name':
      return false;
    case 'Negate':
      return usesQuestionMark(node.operand);
    case 'Arithmetic':
    case 'Compare':
    case 'Logical':
      return usesQuestionMark(node.left) || usesQuestionMark(node.right);
    case 'Between':
      return usesQuestionMark(node.value) || usesQuestionMark(node.low) || usesQuestionMark(node.high);
    case 'In':
      return usesQuestionMark(node.value) || node.tests.some(testUsesQuestionMark);
    case 'InstanceOf':
      return usesQuestionMark(node.value);
    case 'If':
      return usesQuestionMark(node.condition) || usesQuestionMark(node.then) || usesQuestionMark(node.otherwise);
    case 'For':
      return node.iterators.some(iteratorUsesQuestionMark) || usesQuestionMark(node.body);
    case 'Quantified':
      return node.iterators.some(iteratorUsesQuestionMark) || usesQuestionMark(node.condition);
    case 'Path':
      return usesQuestionMark(node.base);
    case 'Filter':
      return usesQuestionMark(node.base) || usesQuestionMark(node.filter);
    case 'Call':
      return usesQuestionMark(node.callee) || node.args.some(usesQuestionMark) || (node.named ?? []).some((a) => usesQuestionMark(a.value));
    case 'List':
      return node.items.some(usesQuestionMark);
    case 'Context':
      return node.entries.some((e) => usesQuestionMark(e.value));
    case 'Range':
      return (node.start !== null && usesQuestionMark(node.start)) || (node.end !== null && usesQuestionMark(node.end));
    case 'FunctionDefinition':
      return usesQuestionMark(node.body);
  }
}

function iteratorUsesQuestionMark(it: Iterator): boolean {
  return usesQuestionMark(it.source) || (it.to !== null && usesQuestionMark(it.to));
}

function testUsesQuestionMark(test: PositiveUnaryTest): boolean {
  switch (test.type) {
    case 'CompareTest':
      return usesQuestionMark(test.operand);
    case 'RangeTest':
      return usesQuestionMark(test.range);
    case 'ExpressionTest':
      return test.usesQuestionMark;
  }
}
