import type { LoggedEvent } from '@kairos/contracts';
import { z } from 'zod';
import { formatLocalDate, isLeapYear, localDateTime, LocalDateTime } from '../calendar/local-calendar';
import type { CompiledCalendarTrigger } from '../definitions/trigger-set';
import type { EvaluatorHost, TriggerEvaluator } from '../engine/evaluator-host';
import { invalidState } from './evaluator-state';

const DAY_MS = 86_400_000;
const LEAP_DAY = 229;
const DAY_AFTER_LEAP_DAY = 301;

const stateSchema = z.strictObject({
  customers: z.array(z.tuple([z.string(), z.number().int(), z.string()])),
  done: z.array(z.tuple([z.string(), z.number().int()])),
  firedOn: z.array(z.tuple([z.string(), z.number().int()])),
});

interface Birthday {
  readonly birthDate: number;
  readonly timeZone: string;
}

/**
 * "Turns 18 today" without scanning everyone: customers are indexed by birthday month-day and time zone when
 * their registration is applied. A tick looks only at the month-days that are "today" somewhere (UTC ±1 day),
 * computes each zone's local date once, and evaluates a (zone, month-day) group once per local day.
 * Someone born on 29 February has the birthday on 1 March in other years, as in the profile's age.
 */
export class CalendarTriggerEvaluator implements TriggerEvaluator {
  private readonly birthdays = new Map<string, Birthday>();
  /** month-day → time zone → customers. */
  private readonly groups = new Map<number, Map<string, Set<string>>>();
  /** `zone|monthDay` → local date the group was last evaluated on. */
  private readonly done = new Map<string, number>();
  /** customer → local date of the last fire (an invalidated group is evaluated again without firing twice). */
  private readonly firedOn = new Map<string, number>();

  constructor(
    readonly trigger: CompiledCalendarTrigger,
    private readonly host: EvaluatorHost,
  ) {}

  onEvent(logged: LoggedEvent): void {
    const event = logged.event;
    if (event.type !== 'customer_registered') return;
    const data = event.data as { birthDate: string; timeZone?: string };
    this.indexCustomer(event.customerId, data.birthDate, data.timeZone ?? null);
  }

  /** Adds or updates a customer's birthday (`yyyy-mm-dd`); also used to build the index from existing profiles. */
  indexCustomer(customerId: string, birthDate: string, timeZone: string | null): void {
    const date = Number(birthDate.replaceAll('-', ''));
    const zone = timeZone ?? this.host.defaultTimeZone;
    const known = this.birthdays.get(customerId);
    if (known && known.birthDate === date && known.timeZone === zone) return;
    this.index(customerId, date, zone);
  }

  forget(customerId: string): void {
    const known = this.birthdays.get(customerId);
    if (known) this.unindex(customerId, known);
    this.birthdays.delete(customerId);
    this.firedOn.delete(customerId);
  }

  onTick(nowMs: number): void {
    const localDates = new Map<string, LocalDateTime>();
    for (const monthDay of candidateMonthDays(nowMs)) {
      const group = this.groups.get(monthDay);
      if (!group) continue;
      // Sorted, not insertion order: after a snapshot restore the maps are rebuilt in another order, and the
      // order of fires must not depend on the path the state took.
      for (const timeZone of [...group.keys()].sort()) {
        const customers = group.get(timeZone) as Set<string>;
        let local = localDates.get(timeZone);
        if (!local) localDates.set(timeZone, (local = localDateTime(nowMs, timeZone)));
        if (!isBirthdayOn(monthDay, local) || local.minuteOfDay < this.trigger.atLocalMinute) continue;
        const doneKey = `${timeZone}|${monthDay}`;
        if (this.done.get(doneKey) === local.date) continue;
        for (const customerId of [...customers].sort()) this.consider(customerId, timeZone, local, nowMs);
        this.done.set(doneKey, local.date);
      }
    }
    this.forgetOldFires(nowMs);
  }

  exportState(): unknown {
    return {
      customers: [...this.birthdays].map(([id, b]) => [id, b.birthDate, b.timeZone]),
      done: [...this.done],
      firedOn: [...this.firedOn],
    };
  }

  importState(state: unknown): void {
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success) throw invalidState(this.trigger.id);
    this.birthdays.clear();
    this.groups.clear();
    for (const [customerId, birthDate, timeZone] of parsed.data.customers) this.index(customerId, birthDate, timeZone);
    this.done.clear();
    for (const [key, date] of parsed.data.done) this.done.set(key, date);
    this.firedOn.clear();
    for (const [customerId, date] of parsed.data.firedOn) this.firedOn.set(customerId, date);
  }

  private consider(customerId: string, timeZone: string, local: LocalDateTime, nowMs: number): void {
    if (this.firedOn.get(customerId) === local.date) return;
    const birthday = this.birthdays.get(customerId) as Birthday;
    const age = local.year - Math.floor(birthday.birthDate / 10_000);
    if (age < 0 || (this.trigger.definition.turns !== undefined && age !== this.trigger.definition.turns)) return;
    const localDate = formatLocalDate(local.date);
    const fired = this.host.offer({
      trigger: this.trigger,
      customerId,
      atMs: nowMs,
      occasion: localDate,
      dedupeValues: '',
      cause: { type: 'calendar', localDate, timeZone },
      evidence: [
        { feature: 'age', value: age },
        { feature: 'local_date', value: localDate },
      ],
    });
    if (fired) this.firedOn.set(customerId, local.date);
  }

  private index(customerId: string, birthDate: number, timeZone: string): void {
    const previous = this.birthdays.get(customerId);
    if (previous) this.unindex(customerId, previous);
    this.birthdays.set(customerId, { birthDate, timeZone });
    const monthDay = monthDayOf(birthDate);
    let group = this.groups.get(monthDay);
    if (!group) this.groups.set(monthDay, (group = new Map()));
    let customers = group.get(timeZone);
    if (!customers) group.set(timeZone, (customers = new Set()));
    customers.add(customerId);
    // The group may have been evaluated today already: evaluate it again at the next tick (fired ones are skipped).
    this.done.delete(`${timeZone}|${monthDay}`);
  }

  private unindex(customerId: string, birthday: Birthday): void {
    const monthDay = monthDayOf(birthday.birthDate);
    const group = this.groups.get(monthDay);
    const customers = group?.get(birthday.timeZone);
    if (!group || !customers) return;
    customers.delete(customerId);
    if (customers.size === 0) group.delete(birthday.timeZone);
    if (group.size === 0) this.groups.delete(monthDay);
  }

  /** Fires older than two days can no longer collide with a re-evaluation. */
  private forgetOldFires(nowMs: number): void {
    if (this.firedOn.size === 0) return;
    const oldest = dateOf(nowMs - 2 * DAY_MS);
    for (const [customerId, date] of this.firedOn) if (date < oldest) this.firedOn.delete(customerId);
  }
}

function monthDayOf(yyyymmdd: number): number {
  return yyyymmdd % 10_000;
}

function dateOf(atMs: number): number {
  const date = new Date(atMs);
  return date.getUTCFullYear() * 10_000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

/** The month-days that are today in some zone (UTC−12 … UTC+14), plus 29 February when 1 March is among them. */
function candidateMonthDays(nowMs: number): number[] {
  const days: number[] = [];
  for (const shift of [-DAY_MS, 0, DAY_MS]) {
    const monthDay = monthDayOf(dateOf(nowMs + shift));
    if (!days.includes(monthDay)) days.push(monthDay);
  }
  if (days.includes(DAY_AFTER_LEAP_DAY) && !days.includes(LEAP_DAY)) days.push(LEAP_DAY);
  return days;
}

function isBirthdayOn(monthDay: number, local: LocalDateTime): boolean {
  const today = local.month * 100 + local.day;
  return monthDay === today || (monthDay === LEAP_DAY && today === DAY_AFTER_LEAP_DAY && !isLeapYear(local.year));
}
