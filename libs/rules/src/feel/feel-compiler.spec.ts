import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { KairosError } from '@kairos/contracts';
import { compileFeelExpression, compileFeelUnaryTests } from './feel-expression';
import { FeelDate } from './feel-values';

const evaluate = (source: string, variables: Record<string, unknown> = {}, names: string[] = []) =>
  compileFeelExpression(source, names).evaluate(variables);
const matches = (source: string, value: unknown, variables: Record<string, unknown> = {}) => compileFeelUnaryTests(source).test(value, variables);

describe('FEEL arithmetic', () => {
  it.each([
    ['10+5', 15],
    ['-10--5', -5],
    ['(10+20)-(-5+3)', 32],
    ['10 + 20 / -5 - 3', 3],
    ['5+2**5+3', 40],
    ['10**-5', 0.00001],
    ['1.2*10**3', 1200],
    ['.872', 0.872],
  ])('%s = %s', (source, expected) => {
    expect(evaluate(source)).toBe(expected);
  });

  it('gives decimal answers for decimal inputs where a double would not', () => {
    expect(evaluate('0.1 + 0.2')).toBe(0.3);
    expect(evaluate('1.1 * 1.1')).toBe(1.21);
    expect(evaluate('0.3 - 0.1 = 0.2')).toBe(true);
    expect(evaluate('0.3 - 0.2')).toBe(0.1);
  });

  it('keeps every digit of results that are not decimal noise', () => {
    expect(evaluate('1 / 3')).toBe(1 / 3);
    expect(evaluate('1 / 3 * 3')).toBe(1);
    expect(evaluate('1 + 0.0475 / 12')).toBe(1 + 0.0475 / 12);
  });

  it('is null for null operands, division by zero and mismatched types', () => {
    for (const source of ['10 + null', 'null * 10', '10 / null', '(10+20)/0', '"a" - 1', '1 + "a"', '-"x"']) {
      expect(evaluate(source)).toBeNull();
    }
  });

  it('concatenates strings with +', () => {
    expect(evaluate('"Hello " + name', { name: 'World' })).toBe('Hello World');
  });
});

describe('FEEL ternary logic', () => {
  const values: [string, boolean | null][] = [
    ['true', true],
    ['false', false],
    ['null', null],
  ];
  // The truth tables of DMN 1.3 section 10.3.2.5.
  const and = (a: boolean | null, b: boolean | null) => (a === false || b === false ? false : a === true && b === true ? true : null);
  const or = (a: boolean | null, b: boolean | null) => (a === true || b === true ? true : a === false && b === false ? false : null);

  it.each(values.flatMap(([a, av]) => values.map(([b, bv]) => [a, b, av, bv] as const)))('%s and/or %s', (a, b, av, bv) => {
    expect(evaluate(`A and B`, { A: av, B: bv })).toBe(and(av, bv));
    expect(evaluate(`A or B`, { A: av, B: bv })).toBe(or(av, bv));
    expect(evaluate(`${a} and ${b}`)).toBe(and(av, bv));
  });

  it('treats non-boolean operands as null and negates only booleans', () => {
    expect(evaluate('1 and true')).toBeNull();
    expect(evaluate('"x" or false')).toBeNull();
    expect(evaluate('not(A)', { A: true })).toBe(false);
    expect(evaluate('not(A)', { A: null })).toBeNull();
    expect(evaluate('not(A)', { A: 0 })).toBeNull();
  });

  it('compares null only with =', () => {
    expect(evaluate('null = null')).toBe(true);
    expect(evaluate('x = null', { x: 1 })).toBe(false);
    expect(evaluate('x != null', { x: 1 })).toBe(true);
    expect(evaluate('x < 1', { x: null })).toBeNull();
    expect(evaluate('1 = "1"')).toBeNull();
  });
});

describe('FEEL expressions', () => {
  it('supports if, between, in, lists, contexts, filters, paths, for and quantifiers', () => {
    expect(evaluate('if x > 2 then "big" else "small"', { x: 3 })).toBe('big');
    expect(evaluate('if null then 1 else 2')).toBe(2);
    expect(evaluate('x between 1 and 10', { x: 10 })).toBe(true);
    expect(evaluate('x in (1, 5, 7)', { x: 5 })).toBe(true);
    expect(evaluate('x in [1..5)', { x: 5 })).toBe(false);
    expect(evaluate('x in < 3', { x: 2 })).toBe(true);
    expect(evaluate('{a: 1, b: a + 1}.b')).toBe(2);
    expect(evaluate('[1, 2, 3][2]')).toBe(2);
    expect(evaluate('[1, 2, 3][-1]')).toBe(3);
    expect(evaluate('[1, 2, 3][item > 1]')).toEqual([2, 3]);
    expect(evaluate('orders[amount > 10].id', { orders: [{ id: 'a', amount: 5 }, { id: 'b', amount: 20 }] })).toEqual(['b']);
    expect(evaluate('loan.principal * 2', { loan: { principal: 21 } })).toBe(42);
    expect(evaluate('for i in 1..3 return i * i')).toEqual([1, 4, 9]);
    expect(evaluate('some x in [1, 5] satisfies x > 4')).toBe(true);
    expect(evaluate('every x in [1, 5] satisfies x > 4')).toBe(false);
    expect(evaluate('(function(a, b) a * b)(6, 7)')).toBe(42);
  });

  it('does not read inherited object properties as inputs', () => {
    expect(evaluate('constructor')).toBeNull();
    expect(evaluate('x.toString', { x: {} })).toBeNull();
  });

  it('has the built-in functions tables use', () => {
    expect(evaluate('sum([1, 2, 3]) + count([1]) + max(4, 9, 2) + min([3, 1])')).toBe(17);
    expect(evaluate('string length("héllo")')).toBe(5);
    expect(evaluate('upper case(substring("banking", 1, 4))')).toBe('BANK');
    expect(evaluate('contains("premium card", "card") and starts with("abc", "a")')).toBe(true);
    expect(evaluate('decimal(2.345, 2) + decimal(2.355, 2)')).toBe(4.7);
    expect(evaluate('number("12.5") + floor(1.7) + ceiling(1.2) + abs(-1)')).toBe(16.5);
    expect(evaluate('modulo(-5, 3)')).toBe(1);
    expect(evaluate('list contains([1, 2], 2)')).toBe(true);
    expect(evaluate('substring(p: 1)')).toBeNull();
  });

  it('handles dates: constructors, literals, comparison and components', () => {
    expect(evaluate('date("2024-02-29")')).toEqual(FeelDate.fromParts(2024, 2, 29));
    expect(evaluate('date("2023-02-29")')).toBeNull();
    expect(evaluate('date(2024, 1, 31) = @"2024-01-31"')).toBe(true);
    expect(evaluate('date("2024-01-01") < date("2024-02-01")')).toBe(true);
    expect(evaluate('date("2024-05-17").month')).toBe(5);
    expect(evaluate('date and time("2024-01-01T10:00:00+01:00") = date and time("2024-01-01T09:00:00Z")')).toBe(true);
    // Local and zoned date-times do not compare.
    expect(evaluate('date and time("2024-01-01T10:00:00") < date and time("2024-01-01T11:00:00Z")')).toBeNull();
  });

  it('rejects syntax errors at compile time with a validation error naming the position', () => {
    const attempt = () => compileFeelExpression('1 +');
    expect(attempt).toThrow(KairosError);
    expect(attempt).toThrow('does not parse');
    try {
      attempt();
    } catch (error) {
      expect((error as KairosError).code).toBe('VALIDATION_FAILED');
      expect((error as KairosError).issues[0].message).toContain('position 3');
    }
  });
});

describe('FEEL unary tests', () => {
  it('matches comparisons, intervals, lists and dashes', () => {
    expect(matches('< 18', 17)).toBe(true);
    expect(matches('< 18', 18)).toBe(false);
    expect(matches('[18..65]', 65)).toBe(true);
    expect(matches(']18..65]', 18)).toBe(false);
    expect(matches('(18..65)', 65)).toBe(false);
    expect(matches('"Medium","Low"', 'Low')).toBe(true);
    expect(matches('"Medium","Low"', 'High')).toBe(false);
    expect(matches('-', null)).toBe(true);
    expect(matches('', 'anything')).toBe(true);
    expect(matches('>= date("2024-01-01")', FeelDate.fromParts(2024, 1, 1))).toBe(true);
    expect(matches('[1, 2, 3]', 2)).toBe(true);
    expect(matches('limit', 5, { limit: 5 })).toBe(true);
    expect(matches('> limit', 5, { limit: 5 })).toBe(false);
  });

  it('applies FEEL null semantics: no comparison matches null, not() of a type mismatch stays null', () => {
    expect(matches('< 18', null)).toBe(false);
    expect(matches('"A"', null)).toBe(false);
    expect(matches('null', null)).toBe(true);
    // null = "A" is false, so not("A") matches null...
    expect(matches('not("A")', null)).toBe(true);
    // ...but 5 = "A" is null (different types), and not(null) is null: no match.
    expect(matches('not("A")', 5)).toBe(false);
    expect(matches('not(< 5, > 10)', 7)).toBe(true);
    expect(matches('not(< 5, > 10)', 11)).toBe(false);
  });

  it('evaluates ? expressions as boolean tests', () => {
    expect(matches('? > 3 and ? < 10', 5)).toBe(true);
    expect(matches('? > 3 and ? < 10', 10)).toBe(false);
    expect(matches('string length(?) > 3', 'abcd')).toBe(true);
    expect(matches('? + 1', 5)).toBe(false);
  });
});

/**
 * Differential test against feelin, the reference FEEL interpreter the design first named: on integer
 * arithmetic, comparisons and three-valued logic the two must agree. (Decimals are left out on purpose: feelin
 * computes in raw doubles, we snap decimal noise.) feelin is ESM-only and pulls in temporal-polyfill, which
 * jest's transform list does not cover, so it runs in a plain Node child process (Node >= 20.19 requires ESM).
 */
describe('agreement with feelin', () => {
  type Expr = { readonly text: string };
  const leaf: fc.Arbitrary<Expr> = fc.oneof(
    fc.integer({ min: -20, max: 20 }).map((n) => ({ text: n < 0 ? `(${n})` : String(n) })),
    fc.constantFrom({ text: 'null' }, { text: 'x' }, { text: 'y' }),
  );
  const arithmetic: fc.Arbitrary<Expr> = fc.letrec<{ num: Expr }>((tie) => ({
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(tie('num'), fc.constantFrom('+', '-', '*'), tie('num')).map(([a, op, b]) => ({ text: `(${a.text} ${op} ${b.text})` })),
    ),
  })).num;
  const boolLeaf: fc.Arbitrary<Expr> = fc.oneof(
    fc.tuple(arithmetic, fc.constantFrom('<', '<=', '>', '>=', '=', '!='), arithmetic).map(([a, op, b]) => ({ text: `(${a.text} ${op} ${b.text})` })),
    fc.constantFrom({ text: 'true' }, { text: 'false' }, { text: 'null' }, { text: 'flag' }),
  );
  const logic: fc.Arbitrary<Expr> = fc.letrec<{ bool: Expr }>((tie) => ({
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      boolLeaf,
      fc.tuple(tie('bool'), fc.constantFrom('and', 'or'), tie('bool')).map(([a, op, b]) => ({ text: `(${a.text} ${op} ${b.text})` })),
      tie('bool').map((a) => ({ text: `not(${a.text})` })),
    ),
  })).bool;
  const variables = fc.record({
    x: fc.oneof(fc.integer({ min: -9, max: 9 }), fc.constant(null)),
    y: fc.oneof(fc.integer({ min: -9, max: 9 }), fc.constant(null)),
    flag: fc.constantFrom(true, false, null),
  });

  const suites = {
    'integer arithmetic with nulls': fc.sample(fc.tuple(arithmetic, variables), { numRuns: 300, seed: 20_240_601 }),
    'comparisons and three-valued logic': fc.sample(fc.tuple(logic, variables), { numRuns: 300, seed: 20_240_602 }),
  };
  const names = Object.keys(suites) as (keyof typeof suites)[];
  const reference = new Map<string, unknown[]>();

  beforeAll(() => {
    // One child process for all cases: starting Node and loading feelin is the expensive part.
    const all = names.flatMap((name) => suites[name].map(([expr, vars]) => ({ text: expr.text, vars })));
    const results = evaluateWithFeelin(all);
    let offset = 0;
    for (const name of names) {
      reference.set(name, results.slice(offset, offset + suites[name].length));
      offset += suites[name].length;
    }
  });

  it.each(names)('on %s', (name) => {
    const expected = reference.get(name) ?? [];
    const disagreements = suites[name]
      .map(([expr, vars], i) => ({ text: expr.text, vars, ours: evaluate(expr.text, vars), feelin: expected[i] }))
      .filter((c) => !Object.is(c.ours, c.feelin) && !(c.ours === 0 && c.feelin === 0));
    expect(expected).toHaveLength(suites[name].length);
    expect(disagreements).toEqual([]);
  });
});

function evaluateWithFeelin(cases: readonly { text: string; vars: Record<string, unknown> }[]): unknown[] {
  const script = `
    const { evaluate } = require('feelin');
    const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    process.stdout.write(JSON.stringify(cases.map((c) => { const v = evaluate(c.text, c.vars).value; return v === undefined ? null : v; })));
  `;
  const out = execFileSync(process.execPath, ['-e', script], { input: JSON.stringify(cases), cwd: process.cwd(), encoding: 'utf8' });
  return JSON.parse(out) as unknown[];
}
