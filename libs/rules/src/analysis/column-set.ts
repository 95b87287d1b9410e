/**
 * Sets of values one input column can take, with the algebra table analysis needs (intersect, subtract,
 * empty). Numbers (and dates, as day or millisecond numbers) are unions of intervals; strings are a finite set
 * or everything except a finite set; booleans a two-bit mask. `null` is outside every set: analysis reasons
 * about present values only.
 */
export type ColumnKind = 'number' | 'date' | 'date and time' | 'string' | 'boolean';

export interface Interval {
  readonly lo: number;
  readonly loIncluded: boolean;
  readonly hi: number;
  readonly hiIncluded: boolean;
}

export type ColumnSet =
  /** `integral`: only whole numbers occur (dates as day numbers), so (1..2) is empty and [1..3], [4..5] touch. */
  | { readonly kind: 'ordered'; readonly intervals: readonly Interval[]; readonly integral: boolean }
  | { readonly kind: 'string'; readonly mode: 'in' | 'notIn'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'boolean'; readonly mask: number };

const TRUE_BIT = 2;
const FALSE_BIT = 1;

const EVERYTHING: Interval = { lo: -Infinity, loIncluded: false, hi: Infinity, hiIncluded: false };
export const ALL_ORDERED: ColumnSet = { kind: 'ordered', intervals: [EVERYTHING], integral: false };
export const ALL_DAYS: ColumnSet = { kind: 'ordered', intervals: [EVERYTHING], integral: true };
export const ALL_STRINGS: ColumnSet = { kind: 'string', mode: 'notIn', values: new Set() };
export const ALL_BOOLEANS: ColumnSet = { kind: 'boolean', mask: TRUE_BIT | FALSE_BIT };

export function booleanSet(value: boolean): ColumnSet {
  return { kind: 'boolean', mask: value ? TRUE_BIT : FALSE_BIT };
}

export function stringSet(values: Iterable<string>, mode: 'in' | 'notIn' = 'in'): ColumnSet {
  return { kind: 'string', mode, values: new Set(values) };
}

export function intervalSet(lo: number, loIncluded: boolean, hi: number, hiIncluded: boolean, integral = false): ColumnSet {
  return { kind: 'ordered', intervals: normalise([{ lo, loIncluded, hi, hiIncluded }], integral), integral };
}

export function isEmpty(set: ColumnSet): boolean {
  switch (set.kind) {
    case 'ordered':
      return set.intervals.length === 0;
    case 'string':
      return set.mode === 'in' && set.values.size === 0;
    case 'boolean':
      return set.mask === 0;
  }
}

export function intersect(a: ColumnSet, b: ColumnSet): ColumnSet {
  if (a.kind === 'ordered' && b.kind === 'ordered') {
    const out: Interval[] = [];
    for (const x of a.intervals) for (const y of b.intervals) {
      const i = intersectIntervals(x, y);
      if (i) out.push(i);
    }
    return { kind: 'ordered', intervals: normalise(out, a.integral), integral: a.integral };
  }
  if (a.kind === 'string' && b.kind === 'string') {
    if (a.mode === 'in' && b.mode === 'in') return stringSet([...a.values].filter((v) => b.values.has(v)));
    if (a.mode === 'in') return stringSet([...a.values].filter((v) => !b.values.has(v)));
    if (b.mode === 'in') return stringSet([...b.values].filter((v) => !a.values.has(v)));
    return stringSet([...a.values, ...b.values], 'notIn');
  }
  if (a.kind === 'boolean' && b.kind === 'boolean') return { kind: 'boolean', mask: a.mask & b.mask };
  throw new Error('column sets of different kinds');
}

export function complement(set: ColumnSet): ColumnSet {
  switch (set.kind) {
    case 'ordered':
      return { kind: 'ordered', intervals: complementIntervals(set.intervals, set.integral), integral: set.integral };
    case 'string':
      return { kind: 'string', mode: set.mode === 'in' ? 'notIn' : 'in', values: set.values };
    case 'boolean':
      return { kind: 'boolean', mask: ~set.mask & (TRUE_BIT | FALSE_BIT) };
  }
}

export function subtract(a: ColumnSet, b: ColumnSet): ColumnSet {
  return intersect(a, complement(b));
}

export function union(a: ColumnSet, b: ColumnSet): ColumnSet {
  return complement(intersect(complement(a), complement(b)));
}

/** Whether `set` holds every value of `universe`. */
export function covers(set: ColumnSet, universe: ColumnSet): boolean {
  return isEmpty(subtract(universe, set));
}

function intersectIntervals(x: Interval, y: Interval): Interval | null {
  let lo = x.lo;
  let loIncluded = x.loIncluded;
  if (y.lo > lo || (y.lo === lo && !y.loIncluded)) {
    lo = y.lo;
    loIncluded = y.loIncluded && (y.lo !== x.lo || x.loIncluded);
  }
  let hi = x.hi;
  let hiIncluded = x.hiIncluded;
  if (y.hi < hi || (y.hi === hi && !y.hiIncluded)) {
    hi = y.hi;
    hiIncluded = y.hiIncluded && (y.hi !== x.hi || x.hiIncluded);
  }
  return nonEmpty({ lo, loIncluded, hi, hiIncluded });
}

function nonEmpty(i: Interval): Interval | null {
  if (i.lo < i.hi) return i;
  return i.lo === i.hi && i.loIncluded && i.hiIncluded && Number.isFinite(i.lo) ? i : null;
}

/** For whole numbers, every finite bound becomes inclusive: (1..5) is [2..4]. */
function toIntegral(i: Interval): Interval {
  const lo = Number.isFinite(i.lo) ? (i.loIncluded ? Math.ceil(i.lo) : Math.floor(i.lo) + 1) : i.lo;
  const hi = Number.isFinite(i.hi) ? (i.hiIncluded ? Math.floor(i.hi) : Math.ceil(i.hi) - 1) : i.hi;
  return { lo, loIncluded: Number.isFinite(lo), hi, hiIncluded: Number.isFinite(hi) };
}

/** Sorted, disjoint, merged (touching intervals such as `< 5` and `[5..7]` become one). */
function normalise(intervals: readonly Interval[], integral: boolean): Interval[] {
  const sorted = intervals
    .map((i) => (integral ? toIntegral(i) : i))
    .map(nonEmpty)
    .filter((i): i is Interval => i !== null)
    .sort((a, b) => a.lo - b.lo || (a.loIncluded === b.loIncluded ? 0 : a.loIncluded ? -1 : 1));
  const out: Interval[] = [];
  for (const next of sorted) {
    const last = out[out.length - 1];
    if (last && touches(last, next, integral)) {
      if (next.hi > last.hi || (next.hi === last.hi && next.hiIncluded)) {
        out[out.length - 1] = { lo: last.lo, loIncluded: last.loIncluded, hi: next.hi, hiIncluded: next.hiIncluded || (next.hi === last.hi && last.hiIncluded) };
      }
    } else {
      out.push(next);
    }
  }
  return out;
}

/** `next` starts inside `last` or right where it ends (for whole numbers: one after its end). */
function touches(last: Interval, next: Interval, integral: boolean): boolean {
  if (next.lo < last.hi) return true;
  if (next.lo === last.hi) return next.loIncluded || last.hiIncluded;
  return integral && next.lo === last.hi + 1;
}

function complementIntervals(intervals: readonly Interval[], integral: boolean): Interval[] {
  const out: Interval[] = [];
  let lo = -Infinity;
  let loIncluded = false;
  for (const i of intervals) {
    out.push({ lo, loIncluded, hi: i.lo, hiIncluded: !i.loIncluded });
    lo = i.hi;
    loIncluded = !i.hiIncluded;
  }
  out.push({ lo, loIncluded, hi: Infinity, hiIncluded: false });
  return normalise(out, integral);
}

/** Human-readable form for findings, in FEEL unary-test syntax. */
export function describeSet(set: ColumnSet, format: (n: number) => string): string {
  switch (set.kind) {
    case 'ordered':
      return set.intervals.map((i) => describeInterval(i, format)).join(', ');
    case 'string': {
      const values = [...set.values].map((v) => JSON.stringify(v)).join(', ');
      return set.mode === 'in' ? values : set.values.size === 0 ? '-' : `not(${values})`;
    }
    case 'boolean':
      return set.mask === (TRUE_BIT | FALSE_BIT) ? '-' : set.mask === TRUE_BIT ? 'true' : 'false';
  }
}

function describeInterval(i: Interval, format: (n: number) => string): string {
  const lo = format(i.lo);
  const hi = format(i.hi);
  if (i.lo === -Infinity && i.hi === Infinity) return '-';
  if (i.lo === -Infinity) return `${i.hiIncluded ? '<=' : '<'} ${hi}`;
  if (i.hi === Infinity) return `${i.loIncluded ? '>=' : '>'} ${lo}`;
  if (i.lo === i.hi) return lo;
  return `${i.loIncluded ? '[' : '('}${lo}..${hi}${i.hiIncluded ? ']' : ')'}`;
}
