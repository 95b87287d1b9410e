import { HOUR_MS } from '../time/simulated-time';
import type { CustomerRuntime } from './customer-runtime';

/** One customer's simulated day: the window in which they can act and how active they are. */
export interface CustomerDay {
  readonly dayMs: number;
  readonly endMs: number;
  /** Activity happens in [fromMs, untilMs): after registration, before the account is closed. */
  readonly fromMs: number;
  readonly untilMs: number;
  /** 0 = Sunday. */
  readonly weekday: number;
  readonly dayOfMonth: number;
  /** The customer's UTC offset on this day, in ms. */
  readonly offsetMs: number;
  /** Multiplier of self-initiated activity (1 normally; lower on dips and before leaving). */
  readonly activity: number;
  /** The customer is drifting away (the weeks before closing the account). */
  readonly declining: boolean;
  /** How far the drift has got: 0 before it starts, rising to 1 at the closing. */
  readonly leaving: number;
}

/** Cumulative weights of local hours 0-23 for each kind of activity. */
function hours(weights: Record<number, number>): Float64Array {
  const out = new Float64Array(24);
  let sum = 0;
  for (let h = 0; h < 24; h++) out[h] = sum += weights[h] ?? 0;
  return out;
}

export const PURCHASE_HOURS = hours({ 7: 2, 8: 4, 9: 5, 10: 6, 11: 8, 12: 10, 13: 8, 14: 6, 15: 6, 16: 8, 17: 10, 18: 10, 19: 7, 20: 5, 21: 3 });
export const ONLINE_HOURS = hours({ 6: 2, 7: 5, 8: 6, 9: 4, 10: 3, 11: 3, 12: 5, 13: 4, 14: 3, 15: 3, 16: 3, 17: 4, 18: 5, 19: 7, 20: 9, 21: 9, 22: 6 });
export const ATM_HOURS = hours({ 7: 2, 8: 4, 9: 5, 10: 6, 11: 7, 12: 8, 13: 7, 14: 5, 15: 5, 16: 7, 17: 9, 18: 9, 19: 6, 20: 4, 21: 2 });
export const OFFICE_HOURS = hours({ 8: 5, 9: 8, 10: 9, 11: 9, 12: 6, 13: 7, 14: 8, 15: 8, 16: 7, 17: 6, 18: 4, 19: 2 });

/** Instant of local `hour` (fractional) on the customer's day. */
export function localInstant(day: CustomerDay, hour: number): number {
  return day.dayMs + Math.floor(hour * HOUR_MS) - day.offsetMs;
}

/** A random instant on the day following the hour profile, or -1 if it falls outside the customer's window. */
export function sampleInstant(rt: CustomerRuntime, day: CustomerDay, profile: Float64Array, latestLocalHour = 24): number {
  const hour = rt.rng.pickCumulative(profile) + rt.rng.next();
  if (hour >= latestLocalHour) return -1;
  const at = localInstant(day, hour);
  return at >= day.fromMs && at < day.untilMs ? at : -1;
}

/**
 * Reusable buffer of instants in ascending order. Each caller owns one, so drawing a day's purchases or ATM
 * visits allocates nothing (the generator's cost is mostly garbage collection).
 */
export class InstantBuffer {
  private values = new Float64Array(32);
  length = 0;

  at(i: number): number {
    return this.values[i];
  }

  /** Draws `count` instants and keeps those inside the customer's window, sorted (insertion sort: counts are small). */
  fill(rt: CustomerRuntime, day: CustomerDay, profile: Float64Array, count: number): this {
    if (count > this.values.length) this.values = new Float64Array(count * 2);
    const values = this.values;
    let length = 0;
    for (let k = 0; k < count; k++) {
      const at = sampleInstant(rt, day, profile);
      if (at < 0) continue;
      let i = length++;
      while (i > 0 && values[i - 1] > at) {
        values[i] = values[i - 1];
        i--;
      }
      values[i] = at;
    }
    this.length = length;
    return this;
  }
}
