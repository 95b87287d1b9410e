import { I_BIRTH_DATE, I_TIME_ZONE, NO_STRING } from '../store/profile-rows';
import type { ProfileState } from './profile-state';

/** Formatters per zone; bounded because zone names come from events. */
const calendars = new Map<string, Intl.DateTimeFormat | null>();
const MAX_CACHED_ZONES = 1000;

/**
 * Age in whole years at `atMs` on the calendar of `timeZone` (default: the registered time zone, else UTC): a
 * customer turns 18 at local midnight of the birthday, and one born on 29 February on 1 March in other years.
 * Null when the birth date is unknown or lies after `atMs`.
 */
export function age(state: ProfileState, atMs: number, timeZone?: string): number | null {
  const birthDate = state.store.rows.i32At(state.slot, I_BIRTH_DATE);
  if (birthDate === 0) return null;
  const years = Math.floor((localDate(atMs, timeZone ?? registeredTimeZone(state)) - birthDate) / 10_000);
  return years < 0 ? null : years;
}

export function registeredTimeZone(state: ProfileState): string {
  const id = state.store.rows.i32At(state.slot, I_TIME_ZONE);
  return id === NO_STRING ? 'UTC' : state.store.strings.valueOf(id);
}

/**
 * The last date computed per zone and the UTC second it was computed for: zone offsets are whole seconds, so the
 * date is the same for every instant of that second (decisions ask for "now" many times a second; formatting is slow).
 */
const lastDates = new Map<string, { readonly second: number; readonly date: number }>();

/** The calendar date at `atMs` in `timeZone` as yyyymmdd; an unknown zone falls back to UTC. */
function localDate(atMs: number, timeZone: string): number {
  const second = Math.floor(atMs / 1000);
  const last = lastDates.get(timeZone);
  if (last !== undefined && last.second === second) return last.date;
  const date = formatLocalDate(atMs, timeZone);
  if (last !== undefined || lastDates.size < MAX_CACHED_ZONES) lastDates.set(timeZone, { second, date });
  return date;
}

function formatLocalDate(atMs: number, timeZone: string): number {
  let calendar = calendars.get(timeZone);
  if (calendar === undefined) {
    try {
      calendar = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    } catch {
      calendar = null;
    }
    if (calendars.size < MAX_CACHED_ZONES) calendars.set(timeZone, calendar);
  }
  if (calendar === null) {
    const date = new Date(atMs);
    return date.getUTCFullYear() * 10_000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
  }
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of calendar.formatToParts(atMs)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return year * 10_000 + month * 100 + day;
}
