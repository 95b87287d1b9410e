import { feelAdd, feelCompare, feelListContains, feelNot, toDecimal } from './feel-semantics';
import {
  ANY_LIST_TYPE,
  ANY_TYPE,
  BOOLEAN_TYPE,
  DATE_TIME_TYPE,
  DATE_TYPE,
  FeelType,
  NUMBER_TYPE,
  STRING_TYPE,
} from './feel-types';
import { FeelDate, FeelDateTime, FeelFunction, dateTimeFromJsDate, parseFeelDate, parseFeelDateTime } from './feel-values';

/**
 * The FEEL built-in functions we support: the ones decision tables in banking use (conversion, string,
 * numeric, list). Every function answers `null` for arguments of the wrong type instead of throwing.
 */
export interface BuiltinFunction {
  readonly fn: FeelFunction;
  readonly result: FeelType;
}

type Impl = (args: readonly unknown[]) => unknown;

const registry = new Map<string, BuiltinFunction>();

function define(name: string, params: readonly string[], result: FeelType, impl: Impl, variadic = false): void {
  registry.set(name, { fn: new FeelFunction(name, params, (args) => impl(args), variadic), result });
}

const num = (v: unknown): v is number => typeof v === 'number';
const str = (v: unknown): v is string => typeof v === 'string';

/** `min(1, 2)` and `min([1, 2])` are the same call. */
function listArgument(args: readonly unknown[]): readonly unknown[] | null {
  if (args.length === 1) return Array.isArray(args[0]) ? args[0] : args[0] === null || args[0] === undefined ? null : [args[0]];
  return args;
}

function extreme(args: readonly unknown[], sign: 1 | -1): unknown {
  const list = listArgument(args);
  if (list === null || list.length === 0) return null;
  let best = list[0];
  for (let i = 1; i < list.length; i++) {
    const c = feelCompare(list[i], best);
    if (c === null) return null;
    if (c * sign > 0) best = list[i];
  }
  return feelCompare(best, best) === null ? null : best;
}

function sum(args: readonly unknown[]): unknown {
  const list = listArgument(args);
  if (list === null || list.length === 0) return null;
  let total: unknown = 0;
  for (const item of list) {
    if (!num(item)) return null;
    total = feelAdd(total, item);
  }
  return total;
}

/** FEEL `decimal(n, scale)` rounds half to even, like BigDecimal's HALF_EVEN. */
function roundHalfEven(n: number, scale: number): number | null {
  const factor = 10 ** scale;
  const scaled = Number((n * factor).toPrecision(15));
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const rounded = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return toDecimal(rounded / factor);
}

/** FEEL `string(x)`: numbers without exponent noise, temporals in ISO form. */
export function feelToString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof FeelDate || value instanceof FeelDateTime) return value.toString();
  return null;
}

const DECIMAL_TEXT = /^-?(\d+(\.\d*)?|\.\d+)$/;

define('not', ['negand'], BOOLEAN_TYPE, ([v]) => feelNot(v));

define('date', ['from'], DATE_TYPE, (args) => {
  if (args.length === 3) {
    const [y, m, d] = args;
    return num(y) && num(m) && num(d) ? FeelDate.fromParts(y, m, d) : null;
  }
  const [from] = args;
  if (str(from)) return parseFeelDate(from);
  if (from instanceof FeelDate) return from;
  if (from instanceof FeelDateTime) return from.date;
  return null;
});

define('date and time', ['from'], DATE_TIME_TYPE, ([from]) => {
  if (str(from)) return parseFeelDateTime(from);
  if (from instanceof FeelDateTime) return from;
  if (from instanceof FeelDate) return parseFeelDateTime(from.toString());
  if (from instanceof Date) return dateTimeFromJsDate(from);
  return null;
});

define('string', ['from'], STRING_TYPE, ([v]) => feelToString(v));
define('number', ['from', 'grouping separator', 'decimal separator'], NUMBER_TYPE, ([from, grouping, decimal]) => {
  if (!str(from)) return null;
  let text = from;
  if (str(grouping)) text = text.split(grouping).join('');
  if (str(decimal)) text = text.split(decimal).join('.');
  return DECIMAL_TEXT.test(text) ? Number(text) : null;
});

define('string length', ['string'], NUMBER_TYPE, ([s]) => (str(s) ? [...s].length : null));
define('upper case', ['string'], STRING_TYPE, ([s]) => (str(s) ? s.toUpperCase() : null));
define('lower case', ['string'], STRING_TYPE, ([s]) => (str(s) ? s.toLowerCase() : null));
define('contains', ['string', 'match'], BOOLEAN_TYPE, ([s, m]) => (str(s) && str(m) ? s.includes(m) : null));
define('starts with', ['string', 'match'], BOOLEAN_TYPE, ([s, m]) => (str(s) && str(m) ? s.startsWith(m) : null));
define('ends with', ['string', 'match'], BOOLEAN_TYPE, ([s, m]) => (str(s) && str(m) ? s.endsWith(m) : null));
define('substring', ['string', 'start position', 'length'], STRING_TYPE, ([s, start, length]) => {
  if (!str(s) || !num(start) || start === 0) return null;
  const chars = [...s];
  const from = start > 0 ? start - 1 : chars.length + start;
  if (length === null || length === undefined) return chars.slice(from).join('');
  return num(length) ? chars.slice(from, from + length).join('') : null;
});
define('substring before', ['string', 'match'], STRING_TYPE, ([s, m]) => {
  if (!str(s) || !str(m)) return null;
  const at = s.indexOf(m);
  return at < 0 ? '' : s.slice(0, at);
});
define('substring after', ['string', 'match'], STRING_TYPE, ([s, m]) => {
  if (!str(s) || !str(m)) return null;
  const at = s.indexOf(m);
  return at < 0 ? '' : s.slice(at + m.length);
});
define('string join', ['list', 'delimiter'], STRING_TYPE, ([list, delimiter]) => {
  if (!Array.isArray(list) || (delimiter !== undefined && delimiter !== null && !str(delimiter))) return null;
  if (!list.every((i) => i === null || str(i))) return null;
  return list.filter(str).join(str(delimiter) ? delimiter : '');
});

define('abs', ['n'], NUMBER_TYPE, ([n]) => (num(n) ? Math.abs(n) : null));
define('floor', ['n'], NUMBER_TYPE, ([n]) => (num(n) ? Math.floor(n) : null));
define('ceiling', ['n'], NUMBER_TYPE, ([n]) => (num(n) ? Math.ceil(n) : null));
define('decimal', ['n', 'scale'], NUMBER_TYPE, ([n, scale]) =>
  num(n) && num(scale) && Number.isInteger(scale) && scale >= -20 && scale <= 20 ? roundHalfEven(n, scale) : null,
);
define('modulo', ['dividend', 'divisor'], NUMBER_TYPE, ([a, b]) => {
  if (!num(a) || !num(b) || b === 0) return null;
  // FEEL: the result has the sign of the divisor.
  return toDecimal(a - b * Math.floor(a / b));
});
define('sqrt', ['number'], NUMBER_TYPE, ([n]) => (num(n) && n >= 0 ? toDecimal(Math.sqrt(n)) : null));
define('exp', ['number'], NUMBER_TYPE, ([n]) => (num(n) ? toDecimal(Math.exp(n)) : null));
define('log', ['number'], NUMBER_TYPE, ([n]) => (num(n) && n > 0 ? toDecimal(Math.log(n)) : null));
define('odd', ['number'], BOOLEAN_TYPE, ([n]) => (num(n) && Number.isInteger(n) ? Math.abs(n % 2) === 1 : null));
define('even', ['number'], BOOLEAN_TYPE, ([n]) => (num(n) && Number.isInteger(n) ? n % 2 === 0 : null));

define('min', ['list'], ANY_TYPE, (args) => extreme(args, -1), true);
define('max', ['list'], ANY_TYPE, (args) => extreme(args, 1), true);
define('sum', ['list'], NUMBER_TYPE, sum, true);
define('mean', ['list'], NUMBER_TYPE, (args) => {
  const list = listArgument(args);
  const total = sum(args);
  return num(total) && list ? toDecimal(total / list.length) : null;
}, true);
define('count', ['list'], NUMBER_TYPE, ([list]) => (Array.isArray(list) ? list.length : null));
define('all', ['list'], BOOLEAN_TYPE, (args) => {
  const list = listArgument(args);
  if (list === null) return null;
  let result: boolean | null = true;
  for (const item of list) {
    if (item === false) return false;
    if (item !== true) result = null;
  }
  return result;
}, true);
define('any', ['list'], BOOLEAN_TYPE, (args) => {
  const list = listArgument(args);
  if (list === null) return null;
  let result: boolean | null = false;
  for (const item of list) {
    if (item === true) return true;
    if (item !== false) result = null;
  }
  return result;
}, true);
define('list contains', ['list', 'element'], BOOLEAN_TYPE, ([list, element]) =>
  Array.isArray(list) ? feelListContains(list, element) === true : null,
);
define('append', ['list', 'item'], ANY_LIST_TYPE, ([list, ...items]) => (Array.isArray(list) ? [...list, ...items] : null), true);
define('concatenate', ['list'], ANY_LIST_TYPE, (lists) => {
  if (!lists.every(Array.isArray)) return null;
  return ([] as unknown[]).concat(...(lists as unknown[][]));
}, true);
define('reverse', ['list'], ANY_LIST_TYPE, ([list]) => (Array.isArray(list) ? [...list].reverse() : null));
define('distinct values', ['list'], ANY_LIST_TYPE, ([list]) => {
  if (!Array.isArray(list)) return null;
  const out: unknown[] = [];
  for (const item of list) if (feelListContains(out, item) !== true) out.push(item);
  return out;
});
export const BUILTIN_FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = registry;

/** Built-in names the lexer must be told about: those with spaces (`string length`, `date and time`). */
export const MULTI_WORD_BUILTINS: readonly string[] = [...registry.keys()].filter((name) => name.includes(' '));
