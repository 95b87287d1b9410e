import { FeelDate, FeelDateTime, isFeelContext, parseFeelDate, parseFeelDateTime } from '../feel/feel-values';
import type { TckValue } from './tck-test-cases';

/**
 * Compares an engine result with a TCK expected value the way the TCK's own runners (Drools, QuantumDMN) do:
 * numbers as decimals, equal when they differ by less than 0.00000001 (the TCK's expected values are
 * themselves rounded: 0008-LX-arithmetic expects 562.707359373292 where exact decimal arithmetic gives
 * 562.70735937326593); lists element by element; contexts by entry name, with the same set of names; `null`
 * only with null.
 *
 * Returns null on a match, otherwise why not.
 */
export function mismatch(expected: TckValue, actual: unknown, path = 'result'): string | null {
  if (actual === undefined) actual = null;
  switch (expected.kind) {
    case 'null':
      return actual === null ? null : `${path}: expected null, got ${show(actual)}`;
    case 'number':
      return typeof actual === 'number' && decimalEquals(actual, expected.text) ? null : `${path}: expected ${expected.text}, got ${show(actual)}`;
    case 'string':
    case 'boolean':
      return actual === expected.value ? null : `${path}: expected ${JSON.stringify(expected.value)}, got ${show(actual)}`;
    case 'date': {
      const date = parseFeelDate(expected.text);
      return date && actual instanceof FeelDate && actual.epochDay === date.epochDay ? null : `${path}: expected date ${expected.text}, got ${show(actual)}`;
    }
    case 'dateTime': {
      const dt = parseFeelDateTime(expected.text);
      const same = dt && actual instanceof FeelDateTime && actual.epochMs === dt.epochMs && (actual.offsetSeconds === null) === (dt.offsetSeconds === null);
      return same ? null : `${path}: expected date and time ${expected.text}, got ${show(actual)}`;
    }
    case 'time':
    case 'duration':
      return `${path}: ${expected.kind} values are not supported by the engine`;
    case 'list': {
      if (!Array.isArray(actual)) return `${path}: expected a list, got ${show(actual)}`;
      if (actual.length !== expected.items.length) return `${path}: expected ${expected.items.length} items, got ${actual.length}`;
      for (let i = 0; i < actual.length; i++) {
        const m = mismatch(expected.items[i], actual[i], `${path}[${i + 1}]`);
        if (m) return m;
      }
      return null;
    }
    case 'context': {
      if (!isFeelContext(actual)) return `${path}: expected a context, got ${show(actual)}`;
      const names = expected.entries.map((e) => e.name);
      const extra = Object.keys(actual).filter((k) => !names.includes(k));
      if (extra.length > 0) return `${path}: unexpected entries ${extra.join(', ')}`;
      for (const entry of expected.entries) {
        if (!Object.prototype.hasOwnProperty.call(actual, entry.name)) return `${path}: missing entry '${entry.name}'`;
        const m = mismatch(entry.value, actual[entry.name], `${path}.${entry.name}`);
        if (m) return m;
      }
      return null;
    }
  }
}

/** Exact decimal difference of the computed double (as its shortest decimal) and the expected text. */
export function decimalEquals(actual: number, expectedText: string): boolean {
  const expected = parseDecimal(expectedText);
  const computed = parseDecimal(String(actual));
  if (!expected || !computed) return false;
  const scale = Math.max(expected.scale, computed.scale, TOLERANCE_SCALE);
  const diff = align(expected, scale) - align(computed, scale);
  const abs = diff < 0n ? -diff : diff;
  return abs < 10n ** BigInt(scale - TOLERANCE_SCALE);
}

/** 0.00000001 = 10^-8. */
const TOLERANCE_SCALE = 8;

interface Decimal {
  /** value = digits × 10^-scale */
  readonly digits: bigint;
  readonly scale: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function parseDecimal(text: string): Decimal | null {
  const m = DECIMAL.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const fraction = m[3] ?? '';
  const exponent = m[4] ? Number(m[4]) : 0;
  let digits = BigInt(`${m[2] || '0'}${fraction}`);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: m[1] === '-' ? -digits : digits, scale };
}

function align(d: Decimal, scale: number): bigint {
  return d.digits * 10n ** BigInt(scale - d.scale);
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof FeelDate || value instanceof FeelDateTime) return value.toString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
