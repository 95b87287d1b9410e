import type { FeelFrame, Evaluator } from './feel-frame';
import {
  feelAdd,
  feelDivide,
  feelEquals,
  feelGreater,
  feelGreaterOrEqual,
  feelInRange,
  feelLess,
  feelLessOrEqual,
  feelListContains,
  feelMultiply,
  feelNot,
  feelPower,
  feelSubtract,
} from './feel-semantics';
import { FeelDate, FeelDateTime, FeelRange, feelTypeOf, isFeelContext } from './feel-values';

/** Value operations the compiled closures call at run time: operators by symbol, paths, indexing, iteration. */

export const ARITHMETIC: Record<string, (a: unknown, b: unknown) => unknown> = {
  '+': feelAdd,
  '-': feelSubtract,
  '*': feelMultiply,
  '/': feelDivide,
  '**': feelPower,
};

export const COMPARATORS: Record<string, (a: unknown, b: unknown) => boolean | null> = {
  '=': feelEquals,
  '!=': (a, b) => feelNot(feelEquals(a, b)),
  '<': feelLess,
  '<=': feelLessOrEqual,
  '>': feelGreater,
  '>=': feelGreaterOrEqual,
};

/** DMN 1.3 expression input entries: a list means "one of", a range "within", anything else "equals". */
export function valueMatches(value: unknown, expected: unknown): boolean | null {
  if (Array.isArray(expected)) return feelListContains(expected, value);
  if (expected instanceof FeelRange) return feelInRange(value, expected);
  return feelEquals(value, expected);
}

export function readPath(base: unknown, member: string): unknown {
  if (base === null || base === undefined) return null;
  if (isFeelContext(base)) {
    if (!Object.prototype.hasOwnProperty.call(base, member)) return null;
    const v = base[member];
    return v === undefined ? null : v;
  }
  if (Array.isArray(base)) return base.map((item) => readPath(item, member));
  if (base instanceof FeelDate) {
    switch (member) {
      case 'year':
        return base.year;
      case 'month':
        return base.month;
      case 'day':
        return base.day;
      case 'weekday':
        return base.weekday;
      default:
        return null;
    }
  }
  if (base instanceof FeelDateTime) return member === 'date' ? base.date : readPath(base.date, member);
  if (base instanceof FeelRange) {
    switch (member) {
      case 'start':
        return base.start;
      case 'end':
        return base.end;
      case 'start included':
        return base.startIncluded;
      case 'end included':
        return base.endIncluded;
      default:
        return null;
    }
  }
  return null;
}

export function listIndex(value: unknown, index: number): unknown {
  const list = Array.isArray(value) ? value : value === null || value === undefined ? null : [value];
  if (list === null || !Number.isInteger(index) || index === 0) return null;
  const at = index > 0 ? index - 1 : list.length + index;
  const v = list[at];
  return v === undefined ? null : v;
}

const INSTANCE_OF_NAMES: Record<string, string> = {
  number: 'number',
  string: 'string',
  boolean: 'boolean',
  date: 'date',
  'date and time': 'date and time',
  dateTime: 'date and time',
  list: 'list',
  context: 'context',
  function: 'function',
  range: 'range',
};

export function isInstanceOf(value: unknown, typeName: string): boolean {
  if (typeName === 'Any') return value !== null && value !== undefined;
  return feelTypeOf(value) === INSTANCE_OF_NAMES[typeName];
}

export interface IterationSource {
  readonly from: Evaluator;
  readonly to: Evaluator | null;
}

/** Runs `visit` for every combination of iterator values; false when a source is not iterable. */
export function iterate(frame: FeelFrame, sources: readonly IterationSource[], names: readonly string[], visit: () => boolean): boolean {
  const outer = frame.locals;
  const step = (depth: number): boolean | 'stop' => {
    if (depth === sources.length) return visit() ? true : 'stop';
    const { from, to } = sources[depth];
    let values: readonly unknown[];
    const start = from(frame);
    if (to) {
      const end = to(frame);
      if (typeof start !== 'number' || typeof end !== 'number' || !Number.isInteger(start) || !Number.isInteger(end)) return false;
      const seq: number[] = [];
      for (let i = start; start <= end ? i <= end : i >= end; i += start <= end ? 1 : -1) seq.push(i);
      values = seq;
    } else if (Array.isArray(start)) {
      values = start;
    } else {
      return false;
    }
    const parent = frame.locals;
    for (const value of values) {
      const locals: Record<string, unknown> = Object.create(parent);
      locals[names[depth]] = value;
      frame.locals = locals;
      const r = step(depth + 1);
      if (r !== true) return r;
    }
    frame.locals = parent;
    return true;
  };
  const r = step(0);
  frame.locals = outer;
  return r !== false;
}
