import type { IncomingEvent } from '@kairos/contracts';
import { TimedEvent, dataOf, eventsByCustomer, median } from '../test-support/event-analysis';
import { DAY_MS, MINUTE_MS, shiftYears, parseDate } from '../time/simulated-time';
import { ACTIVITY_EVENT_TYPES } from './customer-label';
import { SimulationResult, simulateBank } from './bank-simulation';
import { demoPopulation } from './demo-population';

const ACTIVITY = new Set<string>(ACTIVITY_EVENT_TYPES);

/** Use case 1: three PIN failures within 10 minutes, the card locks, the customer calls the IVR a minute later. */
function pinLockSequences(events: readonly TimedEvent[]): { locks: number; complete: number } {
  let locks = 0;
  let complete = 0;
  events.forEach(({ at, event }, i) => {
    if (event.type !== 'card_locked' || dataOf(event, 'card_locked').reason !== 'pin_attempts_exceeded') return;
    locks++;
    const cardId = dataOf(event, 'card_locked').cardId;
    const failures = events.filter((e) => e.event.type === 'atm_pin_failed' && dataOf(e.event, 'atm_pin_failed').cardId === cardId && e.at <= at && e.at > at - 10 * MINUTE_MS);
    const call = events.slice(i + 1).find((e) => e.event.type === 'call_started');
    const ivrCallAboutAMinuteLater = call !== undefined && dataOf(call.event, 'call_started').channel === 'ivr' && call.at - at >= 30_000 && call.at - at <= 120_000;
    if (failures.length >= 3 && ivrCallAboutAMinuteLater) complete++;
  });
  return { locks, complete };
}

/** Use case 2: credit cards without any transaction in the 30 days after opening (only where 30 days are visible). */
function unusedCreditCards(events: readonly TimedEvent[], endMs: number): { opened: number; unused: number } {
  let opened = 0;
  let unused = 0;
  for (const { at, event } of events) {
    if (event.type !== 'product_opened' || dataOf(event, 'product_opened').product !== 'credit_card' || at + 30 * DAY_MS > endMs) continue;
    opened++;
    const cardId = dataOf(event, 'product_opened').productId;
    const used = events.some((e) => e.event.type === 'card_transaction' && dataOf(e.event, 'card_transaction').cardId === cardId && e.at >= at && e.at < at + 30 * DAY_MS);
    if (!used) unused++;
  }
  return { opened, unused };
}

/** Use case 3: 18th birthday inside the period while holding a checking account. */
function eighteenthBirthdayMs(events: readonly TimedEvent[], startMs: number, endMs: number): number | null {
  const registration = events.find((e) => e.event.type === 'customer_registered')!;
  const birthday = shiftYears(parseDate(dataOf(registration.event, 'customer_registered').birthDate), 18);
  if (birthday < startMs || birthday >= endMs) return null;
  const checking = events.find((e) => e.event.type === 'product_opened' && dataOf(e.event, 'product_opened').product === 'checking_account');
  return checking && checking.at < birthday ? birthday : null;
}

/** Use case 4: a credit card balance beyond its limit. */
function overdrawnAt(events: readonly TimedEvent[]): number | null {
  const hit = events.find(({ event }) => {
    if (event.type !== 'balance_changed') return false;
    const data = dataOf(event, 'balance_changed');
    return data.product === 'credit_card' && data.limit !== undefined && data.balance > data.limit;
  });
  return hit ? hit.at : null;
}

function activityBetween(events: readonly TimedEvent[], fromMs: number, toMs: number): number {
  return events.filter((e) => e.at >= fromMs && e.at < toMs && ACTIVITY.has(e.event.type)).length;
}

describe('seed use cases in a 90-day run', () => {
  let result: SimulationResult;
  let byCustomer: Map<string, TimedEvent[]>;

  beforeAll(() => {
    result = simulateBank({ seed: 77, customers: 1200, days: 90 });
    byCustomer = eventsByCustomer(result.events);
  });

  it('1: PIN failures lock cards and the customer calls the IVR about a minute later', () => {
    let locks = 0;
    let complete = 0;
    for (const events of byCustomer.values()) {
      const found = pinLockSequences(events);
      locks += found.locks;
      complete += found.complete;
    }
    expect(locks).toBeGreaterThanOrEqual(20);
    expect(complete).toBe(locks);
  });

  it('1: locked cards are not used until unlocked, and are unlocked via IVR or app', () => {
    let unlocks = 0;
    for (const events of byCustomer.values()) {
      for (const { at, event } of events) {
        if (event.type !== 'card_locked') continue;
        const cardId = dataOf(event, 'card_locked').cardId;
        const unlock = events.find((e) => e.at > at && e.event.type === 'card_unlocked' && dataOf(e.event, 'card_unlocked').cardId === cardId);
        const until = unlock ? unlock.at : Infinity;
        const usedWhileLocked = events.some((e) => e.at > at && e.at < until && e.event.type === 'card_transaction' && dataOf(e.event, 'card_transaction').cardId === cardId);
        expect(usedWhileLocked).toBe(false);
        if (unlock) unlocks++;
      }
    }
    expect(unlocks).toBeGreaterThan(0);
  });

  it('2: some credit cards stay unused for 30 days after opening, most do not', () => {
    let opened = 0;
    let unused = 0;
    for (const events of byCustomer.values()) {
      const found = unusedCreditCards(events, result.options.endMs);
      opened += found.opened;
      unused += found.unused;
    }
    expect(unused).toBeGreaterThanOrEqual(10);
    expect(unused).toBeLessThan(opened / 2);
  });

  it('3: checking-account holders turn 18 during the period, without a credit card before, and some take one after', () => {
    let birthdays = 0;
    let cardAfterwards = 0;
    for (const events of byCustomer.values()) {
      const birthday = eighteenthBirthdayMs(events, result.options.startMs, result.options.endMs);
      if (birthday === null) continue;
      birthdays++;
      const cards = events.filter((e) => e.event.type === 'product_opened' && dataOf(e.event, 'product_opened').product === 'credit_card');
      expect(cards.every((c) => c.at >= birthday)).toBe(true);
      if (cards.length > 0) cardAfterwards++;
    }
    expect(birthdays).toBeGreaterThanOrEqual(20);
    expect(cardAfterwards).toBeGreaterThan(0);
  });

  it('3: minors hold checking accounts and debit cards but no credit cards or loans', () => {
    const minors = result.customers.filter((c) => shiftYears(parseDate(c.birthDate), 18) > result.options.endMs);
    expect(minors.length).toBeGreaterThanOrEqual(20);
    for (const minor of minors) {
      expect(minor.products.map((p) => p.product)).toContain('checking_account');
      const opened = byCustomer.get(minor.customerId)!.filter((e) => e.event.type === 'product_opened').map((e) => dataOf(e.event, 'product_opened').product);
      expect(opened).not.toContain('credit_card');
      expect(opened).not.toContain('installment_loan');
    }
  });

  it('4: credit card balances go beyond the limit, and some of those customers then take an installment loan', () => {
    let overdrawn = 0;
    let loanAfterwards = 0;
    for (const events of byCustomer.values()) {
      const at = overdrawnAt(events);
      if (at === null) continue;
      overdrawn++;
      if (events.some((e) => e.at > at && e.event.type === 'product_opened' && dataOf(e.event, 'product_opened').product === 'installment_loan')) loanAfterwards++;
    }
    expect(overdrawn).toBeGreaterThanOrEqual(10);
    expect(loanAfterwards).toBeGreaterThan(0);
    expect(loanAfterwards).toBeLessThan(overdrawn);
  });

  it('5: churners close the checking account after declining activity and more complaints', () => {
    const { startMs } = result.options;
    const ratios: number[] = [];
    const controlRatios: number[] = [];
    let churnerComplaints = 0;
    let churnerDays = 0;
    let otherComplaints = 0;
    let otherDays = 0;
    const churners = result.labels.filter((l) => l.churned);
    expect(churners.length).toBeGreaterThanOrEqual(30);
    for (const label of result.labels) {
      const events = byCustomer.get(label.customerId)!;
      const customer = result.customers.find((c) => c.customerId === label.customerId)!;
      if (Date.parse(customer.registeredAt) > startMs - 60 * DAY_MS) continue;
      const closeMs = label.churned ? Date.parse(label.churnedAt!) : startMs + 80 * DAY_MS;
      if (closeMs < startMs + 70 * DAY_MS) continue;
      const before = activityBetween(events, closeMs - 70 * DAY_MS, closeMs - 42 * DAY_MS) / 28;
      const last = activityBetween(events, closeMs - 14 * DAY_MS, closeMs) / 14;
      if (before === 0) continue;
      (label.churned ? ratios : controlRatios).push(last / before);
      const complaints = events.filter((e) => e.event.type === 'complaint_filed' && e.at >= closeMs - 45 * DAY_MS && e.at < closeMs).length;
      if (label.churned) {
        churnerComplaints += complaints;
        churnerDays += 45;
      } else {
        otherComplaints += complaints;
        otherDays += 45;
      }
    }
    expect(ratios.length).toBeGreaterThanOrEqual(10);
    expect(median(ratios)).toBeLessThan(0.5);
    expect(median(controlRatios)).toBeGreaterThan(0.8);
    expect(churnerComplaints / churnerDays).toBeGreaterThan((3 * otherComplaints) / otherDays);
  });

  it('5: most leavers close savings or credit card weeks ahead and drain the checking account; customers who stay close nothing', () => {
    const { startMs } = result.options;
    let leavers = 0;
    let closedEarly = 0;
    let drained = 0;
    let othersClosing = 0;
    for (const label of result.labels) {
      const events = byCustomer.get(label.customerId)!;
      const secondaryClosings = events.filter((e) => e.event.type === 'product_closed' && dataOf(e.event, 'product_closed').product !== 'checking_account');
      if (!label.churned) {
        const customer = result.customers.find((c) => c.customerId === label.customerId)!;
        if (customer.traits.plannedChurnAt === null && secondaryClosings.length > 0) othersClosing++;
        continue;
      }
      const closeMs = Date.parse(label.churnedAt!);
      // Only leavers whose last two months are simulated and who held savings or a credit card.
      if (closeMs < startMs + 60 * DAY_MS || secondaryClosings.length === 0) continue;
      leavers++;
      if (secondaryClosings.some((e) => e.at < closeMs - 7 * DAY_MS)) closedEarly++;
      const checkingBalances = events.filter((e) => e.event.type === 'balance_changed' && dataOf(e.event, 'balance_changed').product === 'checking_account');
      const before = checkingBalances.filter((e) => e.at < closeMs - 50 * DAY_MS).pop();
      const last = checkingBalances[checkingBalances.length - 1];
      if (before && dataOf(last.event, 'balance_changed').balance < dataOf(before.event, 'balance_changed').balance) drained++;
    }
    expect(leavers).toBeGreaterThanOrEqual(8);
    expect(closedEarly / leavers).toBeGreaterThan(0.3);
    expect(drained / leavers).toBeGreaterThan(0.6);
    expect(othersClosing).toBe(0);
  });

  it('5: nobody acts after closing the checking account', () => {
    for (const label of result.labels.filter((l) => l.churned)) {
      const events = byCustomer.get(label.customerId)!;
      const last = events[events.length - 1].event as IncomingEvent<'product_closed'>;
      expect(last.type).toBe('product_closed');
      expect(last.data.product).toBe('checking_account');
      expect(last.occurredAt).toBe(label.churnedAt);
    }
  });
});

describe('demoPopulation', () => {
  const demo = demoPopulation();
  const byCustomer = eventsByCustomer(demo.events);

  it('is 200 customers over 30 days, the same on every call', () => {
    expect(demo.customers).toHaveLength(200);
    expect(demo.options.days).toBe(30);
    expect(JSON.stringify(demoPopulation().events)).toBe(JSON.stringify(demo.events));
  });

  it('shows every seed use case at least once', () => {
    const all = [...byCustomer.values()];
    const pinLocks = all.reduce((n, events) => n + pinLockSequences(events).complete, 0);
    const unusedCards = all.reduce((n, events) => n + unusedCreditCards(events, demo.options.endMs).unused, 0);
    const birthdays = all.filter((events) => eighteenthBirthdayMs(events, demo.options.startMs, demo.options.endMs) !== null).length;
    const overdrawn = all.filter((events) => overdrawnAt(events) !== null).length;
    const churned = demo.labels.filter((l) => l.churned).length;
    expect({ pinLocks, unusedCards, birthdays, overdrawn, churned }).toEqual({
      pinLocks: expect.any(Number),
      unusedCards: expect.any(Number),
      birthdays: expect.any(Number),
      overdrawn: expect.any(Number),
      churned: expect.any(Number),
    });
    for (const count of [pinLocks, unusedCards, birthdays, overdrawn, churned]) expect(count).toBeGreaterThanOrEqual(1);
  });

  it('can be moved in time', () => {
    const moved = demoPopulation({ startDate: '2026-03-02' });
    expect(moved.options.startDate).toBe('2026-03-02');
    expect(moved.customers.map((c) => c.customerId)).toEqual(demo.customers.map((c) => c.customerId));
  });
});
