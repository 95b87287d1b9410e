export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * The time zones the simulated customers live in. All follow the EU daylight-saving rule, which lets the
 * simulator compute offsets arithmetically (no Intl, no tz database) and identically on every machine.
 */
export const SIMULATED_TIME_ZONES = {
  'Europe/Berlin': 60,
  'Europe/Vienna': 60,
  'Europe/Zurich': 60,
  'Europe/Amsterdam': 60,
  'Europe/Paris': 60,
  'Europe/Madrid': 60,
  'Europe/Warsaw': 60,
  'Europe/London': 0,
  'Europe/Dublin': 0,
  'Europe/Lisbon': 0,
  'Europe/Athens': 120,
} as const satisfies Record<string, number>;

export type SimulatedTimeZone = keyof typeof SIMULATED_TIME_ZONES;

/** The last year looked up: almost every call hits it, which spares a Date per event. */
let cachedYearFromMs = 0;
let cachedYearToMs = -1;
let cachedSummerFromMs = 0;
let cachedSummerToMs = 0;

/** UTC offset in minutes of `zone` at `epochMs`: summer time from the last Sunday of March to that of October, 01:00 UTC. */
export function utcOffsetMinutes(zone: SimulatedTimeZone, epochMs: number): number {
  if (epochMs < cachedYearFromMs || epochMs >= cachedYearToMs) {
    const year = new Date(epochMs).getUTCFullYear();
    cachedYearFromMs = Date.UTC(year, 0, 1);
    cachedYearToMs = Date.UTC(year + 1, 0, 1);
    cachedSummerFromMs = lastSundayAt0100Utc(year, 2);
    cachedSummerToMs = lastSundayAt0100Utc(year, 9);
  }
  const standard = SIMULATED_TIME_ZONES[zone];
  return epochMs >= cachedSummerFromMs && epochMs < cachedSummerToMs ? standard + 60 : standard;
}

function lastSundayAt0100Utc(year: number, monthIndex: number): number {
  const lastDay = Date.UTC(year, monthIndex + 1, 0);
  const weekday = new Date(lastDay).getUTCDay();
  return lastDay - weekday * DAY_MS + HOUR_MS;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
let cachedLocalDay = Number.NaN;
let cachedLocalDayPrefix = '';

/**
 * `2025-03-01T10:15:00.000+01:00`: the instant written in local time with its offset, as a source system would.
 * Hand-rolled because it runs once per event and Date#toISOString dominated the generator's profile.
 */
export function formatInstant(epochMs: number, offsetMinutes: number): string {
  const local = Math.floor(epochMs) + offsetMinutes * MINUTE_MS;
  const day = Math.floor(local / DAY_MS);
  if (day !== cachedLocalDay) {
    cachedLocalDay = day;
    cachedLocalDayPrefix = `${formatDate(day * DAY_MS)}T`;
  }
  let rest = local - day * DAY_MS;
  const hours = Math.floor(rest / HOUR_MS);
  rest -= hours * HOUR_MS;
  const minutes = Math.floor(rest / MINUTE_MS);
  rest -= minutes * MINUTE_MS;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  return `${cachedLocalDayPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[millis]}${offsetSuffix(offsetMinutes)}`;
}

const suffixCache = new Map<number, string>();

function offsetSuffix(offsetMinutes: number): string {
  let suffix = suffixCache.get(offsetMinutes);
  if (suffix === undefined) {
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    suffix = `${sign}${TWO_DIGITS[Math.floor(abs / 60)]}:${TWO_DIGITS[abs % 60]}`;
    suffixCache.set(offsetMinutes, suffix);
  }
  return suffix;
}

/** `YYYY-MM-DD` of a UTC instant. */
export function formatDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Midnight UTC of a `YYYY-MM-DD` date; throws on anything else, including impossible dates. */
export function parseDate(value: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw new RangeError('date must be YYYY-MM-DD');
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (formatDate(ms) !== value) throw new RangeError('date does not exist');
  return ms;
}

/** The date `years` before or after a UTC midnight; 29 February becomes 1 March in common years. */
export function shiftYears(dayMs: number, years: number): number {
  const date = new Date(dayMs);
  return Date.UTC(date.getUTCFullYear() + years, date.getUTCMonth(), date.getUTCDate());
}
