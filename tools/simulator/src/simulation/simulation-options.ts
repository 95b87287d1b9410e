import { DAY_MS, parseDate } from '../time/simulated-time';

export interface SimulationOptions {
  /** Any integer; the same seed and options give byte-identical output. */
  readonly seed: number;
  /** Population size. */
  readonly customers: number;
  /** Length of the simulated period in days. */
  readonly days: number;
  /** First simulated day, `YYYY-MM-DD` (UTC midnight). Onboarding history lies before it. */
  readonly startDate?: string;
  /** Average share of customers who leave per month (drives the churn labels). */
  readonly monthlyChurnRate?: number;
  /**
   * How card events (`card_transaction`, `atm_pin_failed`, `card_locked`, `card_unlocked`) name their customer:
   * by `customerId`, or only by `identifiers.cardId` as a card processor that does not know customers would.
   */
  readonly cardEventsIdentifiedBy?: 'customerId' | 'cardId';
}

export interface ResolvedSimulationOptions {
  readonly seed: number;
  readonly customers: number;
  readonly days: number;
  readonly startDate: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Labels look at the 30 days from here: the last 30 simulated days, or the whole period if it is shorter. */
  readonly observationMs: number;
  readonly labelWindowEndMs: number;
  readonly monthlyChurnRate: number;
  readonly cardEventsIdentifiedBy: 'customerId' | 'cardId';
}

export const DEFAULT_START_DATE = '2025-01-06';
export const LABEL_WINDOW_DAYS = 30;

export function resolveSimulationOptions(options: SimulationOptions): ResolvedSimulationOptions {
  requireInteger('seed', options.seed, -0x80000000, 0xffffffff);
  requireInteger('customers', options.customers, 0, 50_000_000);
  requireInteger('days', options.days, 1, 3650);
  const monthlyChurnRate = options.monthlyChurnRate ?? 0.03;
  if (!(monthlyChurnRate >= 0 && monthlyChurnRate <= 0.5)) throw new RangeError('monthlyChurnRate must lie in [0, 0.5]');
  const startDate = options.startDate ?? DEFAULT_START_DATE;
  const startMs = parseDate(startDate);
  const endMs = startMs + options.days * DAY_MS;
  const observationMs = startMs + Math.max(0, options.days - LABEL_WINDOW_DAYS) * DAY_MS;
  return {
    seed: options.seed >>> 0,
    customers: options.customers,
    days: options.days,
    startDate,
    startMs,
    endMs,
    observationMs,
    labelWindowEndMs: Math.min(endMs, observationMs + LABEL_WINDOW_DAYS * DAY_MS),
    monthlyChurnRate,
    cardEventsIdentifiedBy: options.cardEventsIdentifiedBy ?? 'customerId',
  };
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}]`);
}
