import fc from 'fast-check';
import { ColumnSet, complement, covers, describeSet, intersect, intervalSet, isEmpty, stringSet, subtract, union } from './column-set';

/** Membership by definition, to check the algebra against. */
function contains(set: ColumnSet, value: number | string): boolean {
  if (set.kind === 'ordered') {
    if (typeof value !== 'number') return false;
    return set.intervals.some(
      (i) => (value > i.lo || (value === i.lo && i.loIncluded)) && (value < i.hi || (value === i.hi && i.hiIncluded)),
    );
  }
  if (set.kind === 'string') return typeof value === 'string' && set.values.has(value) === (set.mode === 'in');
  return false;
}

const bound = fc.oneof(fc.integer({ min: -6, max: 6 }), fc.constantFrom(-Infinity, Infinity));
const interval = (integral: boolean) =>
  fc.tuple(bound, fc.boolean(), bound, fc.boolean()).map(([a, ai, b, bi]) =>
    intervalSet(Math.min(a, b), ai && Number.isFinite(Math.min(a, b)), Math.max(a, b), bi && Number.isFinite(Math.max(a, b)), integral),
  );
const numberSet = (integral: boolean) =>
  fc.array(interval(integral), { minLength: 1, maxLength: 3 }).map((parts) => parts.reduce((acc, p) => union(acc, p)));
/** Whole and half points: enough to see open versus closed ends. */
const points = Array.from({ length: 33 }, (_, i) => -8 + i / 2);

describe('ordered column sets', () => {
  it.each([false, true])('intersect, subtract, union and complement agree with membership (integral: %s)', (integral) => {
    const probe = integral ? points.filter(Number.isInteger) : points;
    fc.assert(
      fc.property(numberSet(integral), numberSet(integral), (a, b) => {
        const [both, onlyA, either, notA] = [intersect(a, b), subtract(a, b), union(a, b), complement(a)];
        return probe.every(
          (p) =>
            contains(both, p) === (contains(a, p) && contains(b, p)) &&
            contains(onlyA, p) === (contains(a, p) && !contains(b, p)) &&
            contains(either, p) === (contains(a, p) || contains(b, p)) &&
            contains(notA, p) === !contains(a, p),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('treats whole-number sets as discrete: (1..2) is empty, [1..3] and [4..5] join', () => {
    expect(isEmpty(intervalSet(1, false, 2, false, true))).toBe(true);
    expect(isEmpty(intervalSet(1, false, 2, false, false))).toBe(false);
    const joined = union(intervalSet(1, true, 3, true, true), intervalSet(4, true, 5, true, true));
    expect(describeSet(joined, String)).toBe('[1..5]');
  });

  it('describes sets in unary-test syntax', () => {
    const set = union(intervalSet(-Infinity, false, 18, false), intervalSet(65, true, Infinity, false));
    expect(describeSet(set, String)).toBe('< 18, >= 65');
    expect(describeSet(complement(set), String)).toBe('[18..65)');
  });
});

describe('string column sets', () => {
  const values = ['a', 'b', 'c', 'd'];
  const strings = fc.tuple(fc.subarray(values), fc.constantFrom<'in' | 'notIn'>('in', 'notIn')).map(([v, mode]) => stringSet(v, mode));

  it('agree with membership, including the infinite complement sets', () => {
    fc.assert(
      fc.property(strings, strings, (a, b) =>
        [...values, 'other'].every(
          (p) =>
            contains(intersect(a, b), p) === (contains(a, p) && contains(b, p)) &&
            contains(subtract(a, b), p) === (contains(a, p) && !contains(b, p)) &&
            contains(union(a, b), p) === (contains(a, p) || contains(b, p)),
        ),
      ),
    );
  });

  it('knows when a set covers a finite universe', () => {
    const universe = stringSet(['High', 'Low']);
    expect(covers(stringSet(['Low', 'High', 'Medium']), universe)).toBe(true);
    expect(covers(stringSet(['Low']), universe)).toBe(false);
    expect(covers(stringSet(['x'], 'notIn'), universe)).toBe(true);
  });
});
