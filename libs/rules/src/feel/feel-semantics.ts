import { FeelDate, FeelDateTime, FeelRange, isFeelContext } from './feel-values';

/**
 * FEEL operators with their null and type rules: an operand of the wrong type or `null` makes arithmetic and
 * ordering `null`, `and`/`or` are three-valued, `=` is `true` for `null = null` and `null` across types.
 */

/**
 * FEEL numbers are decimals; ours are doubles. A result within a few ulps (units in the last place) of a
 * 15-digit decimal is that decimal plus binary noise, and is snapped to it: 0.1 + 0.2 = 0.3, 1.1 * 1.1 = 1.21,
 * 0.3 - 0.2 = 0.1. Results further away have real digits past the 15th (1 / 3 is 6 ulps away, 1 + 0.0475 / 12
 * 15 ulps) and keep them: rounding those would compound in powers and cost precision.
 */
export function toDecimal(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  if (Number.isInteger(value)) return value;
  const rounded = Number(value.toPrecision(15));
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(value))) - 52);
  return Math.abs(rounded - value) <= NOISE_ULPS * ulp ? rounded : value;
}

/** One operation on decimal inputs lands within an ulp or two of the decimal answer. */
const NOISE_ULPS = 4;

export function feelAdd(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return toDecimal(a + b);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  return null;
}

export function feelSubtract(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return toDecimal(a - b);
  return null;
}

export function feelMultiply(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return toDecimal(a * b);
  return null;
}

export function feelDivide(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number' && b !== 0) return toDecimal(a / b);
  return null;
}

export function feelPower(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return toDecimal(a ** b);
  return null;
}

export function feelNegate(a: unknown): unknown {
  return typeof a === 'number' ? -a : null;
}

/** Three-valued `and`: false wins, then null (anything not boolean counts as null), then true. */
export function feelAnd(a: unknown, b: unknown): boolean | null {
  if (a === false || b === false) return false;
  return a === true && b === true ? true : null;
}

/** Three-valued `or`: true wins, then null, then false. */
export function feelOr(a: unknown, b: unknown): boolean | null {
  if (a === true || b === true) return true;
  return a === false && b === false ? false : null;
}

export function feelNot(a: unknown): boolean | null {
  return typeof a === 'boolean' ? !a : null;
}

/** FEEL `=`: `null = null` is true, `null = x` false, values of different types `null`. */
export function feelEquals(a: unknown, b: unknown): boolean | null {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  const ta = typeof a;
  if (ta === 'number' || ta === 'string' || ta === 'boolean') return ta === typeof b ? a === b : null;
  if (a instanceof FeelDate) return b instanceof FeelDate ? a.epochDay === b.epochDay : null;
  if (a instanceof FeelDateTime) {
    if (!(b instanceof FeelDateTime) || (a.offsetSeconds === null) !== (b.offsetSeconds === null)) return null;
    return a.epochMs === b.epochMs;
  }
  if (Array.isArray(a)) return Array.isArray(b) ? listEquals(a, b) : null;
  if (a instanceof FeelRange) {
    if (!(b instanceof FeelRange)) return null;
    return (
      a.startIncluded === b.startIncluded &&
      a.endIncluded === b.endIncluded &&
      feelEquals(a.start, b.start) === true &&
      feelEquals(a.end, b.end) === true
    );
  }
  if (isFeelContext(a)) return isFeelContext(b) ? contextEquals(a, b) : null;
  return a === b;
}

function listEquals(a: readonly unknown[], b: readonly unknown[]): boolean | null {
  if (a.length !== b.length) return false;
  let unknownSeen = false;
  for (let i = 0; i < a.length; i++) {
    const eq = feelEquals(a[i], b[i]);
    if (eq === false) return false;
    if (eq === null) unknownSeen = true;
  }
  return unknownSeen ? null : true;
}

function contextEquals(a: Record<string, unknown>, b: Record<string, unknown>): boolean | null {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  let unknownSeen = false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    const eq = feelEquals(a[key], b[key]);
    if (eq === false) return false;
    if (eq === null) unknownSeen = true;
  }
  return unknownSeen ? null : true;
}

/** Ordering for `<`, `>`, ranges and MIN/MAX: negative, zero, positive, or `null` when not comparable. */
export function feelCompare(a: unknown, b: unknown): number | null {
  if (typeof a === 'number') return typeof b === 'number' ? a - b : null;
  if (typeof a === 'string') {
    if (typeof b !== 'string') return null;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (a instanceof FeelDate) return b instanceof FeelDate ? a.epochDay - b.epochDay : null;
  if (a instanceof FeelDateTime) {
    if (!(b instanceof FeelDateTime) || (a.offsetSeconds === null) !== (b.offsetSeconds === null)) return null;
    return a.epochMs - b.epochMs;
  }
  return null;
}

export function feelLess(a: unknown, b: unknown): boolean | null {
  const c = feelCompare(a, b);
  return c === null ? null : c < 0;
}

export function feelLessOrEqual(a: unknown, b: unknown): boolean | null {
  const c = feelCompare(a, b);
  return c === null ? null : c <= 0;
}

export function feelGreater(a: unknown, b: unknown): boolean | null {
  const c = feelCompare(a, b);
  return c === null ? null : c > 0;
}

export function feelGreaterOrEqual(a: unknown, b: unknown): boolean | null {
  const c = feelCompare(a, b);
  return c === null ? null : c >= 0;
}

/** `value in range`: both bounds must compare, an absent bound (null) is open-ended. */
export function feelInRange(value: unknown, range: FeelRange): boolean | null {
  if (value === null || value === undefined) return null;
  if (range.start !== null && range.start !== undefined) {
    const c = feelCompare(value, range.start);
    if (c === null) return null;
    if (c < 0 || (c === 0 && !range.startIncluded)) return false;
  }
  if (range.end !== null && range.end !== undefined) {
    const c = feelCompare(value, range.end);
    if (c === null) return null;
    if (c > 0 || (c === 0 && !range.endIncluded)) return false;
  }
  return true;
}

/** `list contains(list, value)` with FEEL equality. */
export function feelListContains(list: readonly unknown[], value: unknown): boolean | null {
  let unknownSeen = false;
  for (const item of list) {
    const eq = feelEquals(item, value);
    if (eq === true) return true;
    if (eq === null) unknownSeen = true;
  }
  return unknownSeen ? null : false;
}
