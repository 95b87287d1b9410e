import type { CustomerPlan } from '../population/customer-plan';
import { DAY_MS, HOUR_MS, MINUTE_MS, utcOffsetMinutes } from '../time/simulated-time';
import { bookScheduledPayments, reportCheckingBalance } from './account-bookings';
import { simulateAtmVisits } from './atm-visits';
import { settleCreditCards, simulatePurchases } from './card-spending';
import { CustomerRuntime, forgetLocksBefore } from './customer-runtime';
import type { CustomerDay } from './daily-rhythm';
import { simulateDigitalSessions } from './digital-sessions';
import { closeAccounts, closeSecondaryProducts, runAgenda } from './product-lifecycle';
import { simulateServiceContacts } from './service-contacts';

/** Activity stops this long before the customer closes the account. */
const QUIET_BEFORE_CLOSING_MS = 30 * MINUTE_MS;

const scratchDay: { -readonly [K in keyof CustomerDay]: CustomerDay[K] } = {
  dayMs: 0,
  endMs: 0,
  fromMs: 0,
  untilMs: 0,
  weekday: 0,
  dayOfMonth: 1,
  offsetMs: 0,
  activity: 1,
  declining: false,
  leaving: 0,
};

/** Everything one customer does on one simulated (UTC) day. */
export function simulateCustomerDay(rt: CustomerRuntime, dayMs: number, weekday: number, dayOfMonth: number): void {
  const plan = rt.plan;
  const endMs = dayMs + DAY_MS;
  if (rt.closed || plan.registeredAtMs >= endMs) return;
  runAgenda(rt, endMs);
  const noonMs = dayMs + 12 * HOUR_MS;
  // One mutable day for all customers: the simulation is synchronous and nothing keeps a reference to it.
  const day = scratchDay;
  day.dayMs = dayMs;
  day.endMs = endMs;
  day.fromMs = Math.max(dayMs, plan.registeredAtMs + 10 * MINUTE_MS);
  day.untilMs = Math.min(endMs, plan.churnAtMs - QUIET_BEFORE_CLOSING_MS);
  day.weekday = weekday;
  day.dayOfMonth = dayOfMonth;
  day.offsetMs = utcOffsetMinutes(plan.zone, noonMs) * MINUTE_MS;
  day.activity = activityOn(plan, noonMs);
  day.declining = noonMs >= plan.declineFromMs;
  day.leaving = leavingProgress(plan, noonMs);
  for (const card of rt.cards) forgetLocksBefore(card, dayMs);
  if (plan.secondaryClosingAtMs >= dayMs && plan.secondaryClosingAtMs < endMs && plan.secondaryClosingAtMs > day.fromMs) closeSecondaryProducts(rt, plan.secondaryClosingAtMs);
  if (day.fromMs < day.untilMs) {
    settleCreditCards(rt, day);
    bookScheduledPayments(rt, day);
    // ATM visits first: a lock they cause must keep the card out of the day's purchases, whenever those were drawn.
    simulateAtmVisits(rt, day);
    simulatePurchases(rt, day);
    simulateDigitalSessions(rt, day);
    simulateServiceContacts(rt, day);
    reportCheckingBalance(rt, day);
    // Items scheduled today for later today (an unlock in the app) belong to today's batch.
    runAgenda(rt, endMs);
  }
  if (plan.churnAtMs < endMs) closeAccounts(rt, plan.churnAtMs);
}

/**
 * How active the customer is relative to their habit: a customer about to leave fades out over the weeks before
 * closing, and anyone may have a quiet spell (holiday, illness) that looks similar but ends.
 */
export function activityOn(plan: CustomerPlan, atMs: number): number {
  let activity = 1;
  const leaving = leavingProgress(plan, atMs);
  if (leaving > 0) activity *= Math.max(0.08, 1 - 0.9 * Math.pow(leaving, 0.8));
  if (atMs >= plan.dipFromMs && atMs < plan.dipToMs) activity *= plan.dipFactor;
  return activity;
}

/** Share of the leaver's decline behind them at `atMs`: 0 for everyone else and before it starts. */
export function leavingProgress(plan: CustomerPlan, atMs: number): number {
  if (atMs < plan.declineFromMs) return 0;
  return Math.min(1, (atMs - plan.declineFromMs) / (plan.churnAtMs - plan.declineFromMs));
}
