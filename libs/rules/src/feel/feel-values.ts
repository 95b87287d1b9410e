import type { FeelFrame } from './feel-frame';

/**
 * Runtime representation of FEEL values. Numbers, strings, booleans, lists (arrays) and contexts (plain
 * objects) are plain JavaScript values so that features can be passed in without conversion; only the
 * temporal types, ranges and functions need classes of their own.
 *
 * FEEL `null` is `null`; `undefined` coming from an absent input is read as `null` everywhere.
 */

const MS_PER_DAY = 86_400_000;

/** A FEEL `date`: a calendar day without time zone, compared by its day number. */
export class FeelDate {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    /** Days since 1970-01-01, the value comparisons use. */
    readonly epochDay: number,
  ) {}

  static fromParts(year: number, month: number, day: number): FeelDate | null {
    if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
    const ms = Date.UTC(year, month - 1, day);
    // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear puts them back.
    const date = new Date(ms);
    if (year >= 0 && year < 100) date.setUTCFullYear(year);
    return new FeelDate(year, month, day, Math.round(date.getTime() / MS_PER_DAY));
  }

  get weekday(): number {
    // 1970-01-01 was a Thursday; FEEL numbers Monday as 1.
    return ((((this.epochDay + 3) % 7) + 7) % 7) + 1;
  }

  toString(): string {
    return `${formatYear(this.year)}-${pad2(this.month)}-${pad2(this.day)}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/**
 * A FEEL `date and time`. `offsetSeconds === null` marks a local date-time (no zone); zoned values are
 * compared as instants, local ones by wall clock, and the two kinds do not compare with each other.
 */
export class FeelDateTime {
  constructor(
    /** Instant in ms for zoned values; wall-clock read as UTC for local ones. */
    readonly epochMs: number,
    readonly offsetSeconds: number | null,
    private readonly text: string,
  ) {}

  get date(): FeelDate {
    const wall = new Date(this.epochMs + (this.offsetSeconds ?? 0) * 1000);
    return FeelDate.fromParts(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate()) as FeelDate;
  }

  toString(): string {
    return this.text;
  }

  toJSON(): string {
    return this.text;
  }
}

/** A FEEL range such as `[1..10)`. Used by `in`, unary tests and `x in [a..b]`. */
export class FeelRange {
  constructor(
    readonly start: unknown,
    readonly end: unknown,
    readonly startIncluded: boolean,
    readonly endIncluded: boolean,
  ) {}
}

/** A FEEL function value: built-ins, business knowledge models and `function(..)` definitions. */
export class FeelFunction {
  constructor(
    readonly name: string,
    readonly parameterNames: readonly string[],
    /** Receives arguments in parameter order (missing ones `null`) and the caller's frame for warnings. */
    readonly invoke: (args: readonly unknown[], caller: FeelFrame | null) => unknown,
    /** Built-ins like `min` and `sum` take any number of arguments. */
    readonly variadic = false,
  ) {}
}

export type FeelContext = Record<string, unknown>;

/** A FEEL context is a plain object; class instances (dates, ranges, functions) are not contexts. */
export function isFeelContext(value: unknown): value is FeelContext {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The FEEL type name of a value, as `instance of` and error messages use it. */
export function feelTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    default:
      break;
  }
  if (Array.isArray(value)) return 'list';
  if (value instanceof FeelDate) return 'date';
  if (value instanceof FeelDateTime) return 'date and time';
  if (value instanceof FeelRange) return 'range';
  if (value instanceof FeelFunction) return 'function';
  if (isFeelContext(value)) return 'context';
  return 'unknown';
}

const DATE_PATTERN = /^(-?\d{4,9})-(\d{2})-(\d{2})$/;
const DATE_TIME_PATTERN = /^(-?\d{4,9})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Parses `YYYY-MM-DD`; anything else (including impossible days) is `null`, as `date("…")` requires. */
export function parseFeelDate(text: string): FeelDate | null {
  const m = DATE_PATTERN.exec(text);
  if (!m) return null;
  return FeelDate.fromParts(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * Parses `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]`, or a plain date (midnight). IANA zone ids (`@Europe/Paris`)
 * are not supported and yield `null`.
 */
export function parseFeelDateTime(text: string): FeelDateTime | null {
  const m = DATE_TIME_PATTERN.exec(text);
  if (!m) {
    const date = parseFeelDate(text);
    return date ? new FeelDateTime(date.epochDay * MS_PER_DAY, null, `${date.toString()}T00:00:00`) : null;
  }
  const date = FeelDate.fromParts(Number(m[1]), Number(m[2]), Number(m[3]));
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (!date || hour > 23 || minute > 59 || second > 59) return null;
  const millis = m[7] ? Math.round(Number(`0${m[7]}`) * 1000) : 0;
  const wall = date.epochDay * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  const zone = m[8];
  if (zone === undefined) return new FeelDateTime(wall, null, text);
  const offsetSeconds = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  return new FeelDateTime(wall - offsetSeconds * 1000, offsetSeconds, text);
}

/** A JavaScript `Date` is an instant; FEEL sees it as a UTC date-time. */
export function dateTimeFromJsDate(value: Date): FeelDateTime | null {
  const ms = value.getTime();
  return Number.isFinite(ms) ? new FeelDateTime(ms, 0, value.toISOString()) : null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function formatYear(year: number): string {
  const abs = String(Math.abs(year)).padStart(4, '0');
  return year < 0 ? `-${abs}` : abs;
}
