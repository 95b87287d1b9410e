/**
 * Local calendar arithmetic for IANA time zones without a date library. A zone's UTC offset is read once per
 * 15-minute slot (offsets are multiples of 15 minutes and DST changes happen on such boundaries) and then applied
 * arithmetically, so per-event and per-decision use costs a map lookup, not an Intl call.
 */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Minutes since local midnight, 0–1439. */
  readonly minuteOfDay: number;
  /** yyyymmdd. */
  readonly date: number;
}

const SLOT_MS = 15 * 60_000;
const MAX_CACHED_ZONES = 1000;

interface ZoneSlot {
  readonly formatter: Intl.DateTimeFormat | null;
  slot: number;
  offsetMs: number;
}

const zones = new Map<string, ZoneSlot>();

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  return zoneSlot(timeZone).formatter !== null;
}

/** Offset of local time from UTC at `atMs` (positive east of Greenwich); 0 for an unknown zone, which reads as UTC. */
export function utcOffsetMs(atMs: number, timeZone: string): number {
  const zone = zoneSlot(timeZone);
  if (zone.formatter === null) return 0;
  const slot = Math.floor(atMs / SLOT_MS);
  if (slot !== zone.slot) {
    zone.offsetMs = measureOffset(zone.formatter, slot * SLOT_MS);
    zone.slot = slot;
  }
  return zone.offsetMs;
}

export function localDateTime(atMs: number, timeZone: string): LocalDateTime {
  const local = new Date(atMs + utcOffsetMs(atMs, timeZone));
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  const day = local.getUTCDate();
  return { year, month, day, minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes(), date: year * 10_000 + month * 100 + day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** `yyyymmdd` → `yyyy-mm-dd`. */
export function formatLocalDate(date: number): string {
  const text = String(date).padStart(8, '0');
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
}

/** `HH:MM` for a minute of the day. */
export function formatLocalTime(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

function zoneSlot(timeZone: string): ZoneSlot {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    let formatter: Intl.DateTimeFormat | null;
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      formatter = null;
    }
    zone = { formatter, slot: Number.NaN, offsetMs: 0 };
    // Zone names come from events: the cache is bounded, an uncached zone just costs an Intl call per use.
    if (zones.size < MAX_CACHED_ZONES) zones.set(timeZone, zone);
  }
  return zone;
}

function measureOffset(formatter: Intl.DateTimeFormat, atMs: number): number {
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(atMs)) if (part.type !== 'literal') fields[part.type] = Number(part.value);
  const localAsUtc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
  return localAsUtc - Math.floor(atMs / 1000) * 1000;
}
