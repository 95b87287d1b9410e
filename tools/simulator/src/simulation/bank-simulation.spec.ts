import { IncomingEvent, validateIncomingEvent } from '@kairos/contracts';
import { eventsByCustomer } from '../test-support/event-analysis';
import { DAY_MS } from '../time/simulated-time';
import { BankSimulation, simulateBank } from './bank-simulation';

const NOW_AFTER_EVERYTHING = Date.parse('2100-01-01T00:00:00Z');

function fingerprint(options: ConstructorParameters<typeof BankSimulation>[0]): string {
  const result = simulateBank(options);
  return JSON.stringify([result.customers, result.events, result.labels]);
}

describe('simulateBank determinism', () => {
  it('gives byte-identical output for the same seed and options', () => {
    const options = { seed: 42, customers: 150, days: 45 };
    expect(fingerprint(options)).toBe(fingerprint(options));
  });

  it('gives different output for another seed', () => {
    const a = simulateBank({ seed: 42, customers: 100, days: 20 });
    const b = simulateBank({ seed: 43, customers: 100, days: 20 });
    expect(JSON.stringify(a.events)).not.toBe(JSON.stringify(b.events));
    expect(a.customers.map((c) => c.birthDate)).not.toEqual(b.customers.map((c) => c.birthDate));
    // Ids carry the seed, so two populations can be loaded side by side.
    const ids = new Set(a.events.map((e) => e.id));
    expect(b.events.some((e) => ids.has(e.id))).toBe(false);
  });

  it('keeps each customer the same when the population grows (independent streams per customer)', () => {
    const small = simulateBank({ seed: 9, customers: 30, days: 20 });
    const large = simulateBank({ seed: 9, customers: 90, days: 20 });
    expect(large.customers.slice(0, 30)).toEqual(small.customers);
    const firstThirty = new Set(small.customers.map((c) => c.customerId));
    expect(large.events.filter((e) => firstThirty.has(e.customerId!))).toEqual(small.events);
  });

  it('streams the same events in the same order as the in-memory run, and labels need no stored events', () => {
    const options = { seed: 5, customers: 120, days: 40 };
    const streamed = new BankSimulation(options);
    const abandoned = streamed.eventBatches();
    abandoned.next();
    abandoned.return(undefined);
    const labelsWithoutEvents = streamed.labels();
    const events = [...streamed.events()];
    const full = simulateBank(options);
    expect(events).toEqual(full.events);
    expect(labelsWithoutEvents).toEqual(full.labels);
  });
});

describe('generated events', () => {
  const result = simulateBank({ seed: 2024, customers: 600, days: 60, startDate: '2025-02-17' });
  const { startMs, endMs } = result.options;

  it('are a large sample', () => {
    expect(result.events.length).toBeGreaterThan(100_000);
  });

  it('all pass validateIncomingEvent, also after a JSON round trip', () => {
    const failures: { id: string; issues: unknown }[] = [];
    result.events.forEach((event, i) => {
      const raw = i % 10 === 0 ? JSON.parse(JSON.stringify(event)) : event;
      const verdict = validateIncomingEvent(raw, NOW_AFTER_EVERYTHING);
      if (!verdict.ok && failures.length < 5) failures.push({ id: event.id, issues: verdict.issues });
    });
    expect(failures).toEqual([]);
  });

  it('contain no run of 13 or more digits anywhere, so nothing can look like a card number', () => {
    const offending = result.events.map((e) => JSON.stringify(e)).filter((line) => /(?:\d[ -]?){12,}\d/.test(line));
    expect(offending.slice(0, 3)).toEqual([]);
    const customers = JSON.stringify(result.customers);
    expect(customers).not.toMatch(/(?:\d[ -]?){12,}\d/);
  });

  it('are sorted by occurredAt, have unique ids and local-time offsets', () => {
    let previous = -Infinity;
    const ids = new Set<string>();
    let unsorted = 0;
    for (const event of result.events) {
      const at = Date.parse(event.occurredAt);
      if (at < previous) unsorted++;
      previous = at;
      ids.add(event.id);
    }
    expect(unsorted).toBe(0);
    expect(ids.size).toBe(result.events.length);
    expect(result.events.every((e) => /[+-]\d{2}:\d{2}$/.test(e.occurredAt))).toBe(true);
    expect(new Set(result.events.map((e) => e.occurredAt.slice(-6)))).toEqual(new Set(['+00:00', '+01:00', '+02:00', '+03:00']));
  });

  it('put history before the start and everything else inside the simulated period', () => {
    const times = result.events.map((e) => Date.parse(e.occurredAt));
    expect(times.reduce((a, b) => Math.max(a, b), -Infinity)).toBeLessThan(endMs);
    const beforeStart = result.events.filter((_event, i) => times[i] < startMs);
    // Onboarding history: registrations, openings, each used credit card's first purchase, start balances.
    expect(new Set(beforeStart.map((e) => e.type))).toEqual(new Set(['customer_registered', 'product_opened', 'card_transaction', 'balance_changed']));
    const historicPurchases = beforeStart.filter((e) => e.type === 'card_transaction');
    expect(historicPurchases.every((e) => (e as IncomingEvent<'card_transaction'>).data.product === 'credit_card')).toBe(true);
    const inPeriod = new Set(result.events.filter((_event, i) => times[i] >= startMs).map((e) => e.type));
    for (const type of ['card_transaction', 'login', 'page_view', 'atm_pin_failed', 'card_locked', 'card_unlocked', 'call_started', 'complaint_filed', 'product_closed', 'customer_registered']) {
      expect(inPeriod).toContain(type);
    }
  });

  it('start each customer with registration, then a checking account, and end a leaver with its closure', () => {
    const byCustomer = eventsByCustomer(result.events);
    expect(byCustomer.size).toBe(result.customers.length);
    for (const customer of result.customers) {
      const events = byCustomer.get(customer.customerId)!;
      expect(events[0].event.type).toBe('customer_registered');
      expect(events[0].event.occurredAt).toBe(customer.registeredAt);
      expect(events[1].event).toMatchObject({ type: 'product_opened', data: { product: 'checking_account' } });
      const closure = events.findIndex((e) => e.event.type === 'product_closed' && (e.event as IncomingEvent<'product_closed'>).data.product === 'checking_account');
      if (closure >= 0) expect(closure).toBe(events.length - 1);
    }
  });

  it('name card events by card token only when asked to, and those still validate', () => {
    const cardOnly = simulateBank({ seed: 2024, customers: 150, days: 20, cardEventsIdentifiedBy: 'cardId' });
    const cardTypes = new Set(['card_transaction', 'atm_pin_failed', 'card_locked', 'card_unlocked']);
    const owners = new Map<string, string>();
    for (const e of cardOnly.events) {
      if (e.type === 'product_opened' && e.customerId) owners.set((e as IncomingEvent<'product_opened'>).data.productId, e.customerId);
    }
    for (const event of cardOnly.events) {
      expect(validateIncomingEvent(event, NOW_AFTER_EVERYTHING).ok).toBe(true);
      if (cardTypes.has(event.type)) {
        expect(event.customerId).toBeUndefined();
        expect(owners.has(event.identifiers!.cardId!)).toBe(true);
      } else expect(event.customerId).toBeDefined();
    }
    // Same behaviour, only the naming differs.
    const byCustomer = simulateBank({ seed: 2024, customers: 150, days: 20 });
    expect(cardOnly.events.map((e) => e.id)).toEqual(byCustomer.events.map((e) => e.id));
  });

  it('rejects impossible options with the option name', () => {
    expect(() => new BankSimulation({ seed: 1, customers: -1, days: 10 })).toThrow(/customers/);
    expect(() => new BankSimulation({ seed: 1, customers: 1, days: 0 })).toThrow(/days/);
    expect(() => new BankSimulation({ seed: 1.5, customers: 1, days: 1 })).toThrow(/seed/);
    expect(() => new BankSimulation({ seed: 1, customers: 1, days: 1, startDate: '2025-02-30' })).toThrow(RangeError);
  });

  it('covers the whole period day by day', () => {
    const days = new Set(result.events.map((e) => Math.floor((Date.parse(e.occurredAt) - startMs) / DAY_MS)).filter((d) => d >= 0));
    expect(days.size).toBe(60);
  });
});
