import type { IncomingEvent } from '@kairos/contracts';
import { simulateCustomerDay } from '../behaviour/customer-day';
import { CustomerRuntime, EventSink } from '../behaviour/customer-runtime';
import { openProduct, registerCustomer, reportStartBalance } from '../behaviour/product-lifecycle';
import { reportFirstUse } from '../behaviour/card-spending';
import { CustomerPlan, atLocalTime, dayOf, planCustomer } from '../population/customer-plan';
import type { SimulatedCustomer } from '../population/simulated-customer';
import { DAY_MS, HOUR_MS, formatDate } from '../time/simulated-time';
import { CustomerLabel, LabelTracker } from './customer-label';
import { ResolvedSimulationOptions, SimulationOptions, resolveSimulationOptions } from './simulation-options';

export interface SimulationResult {
  readonly options: ResolvedSimulationOptions;
  readonly customers: readonly SimulatedCustomer[];
  /** Sorted by `occurredAt` (as instants; ties keep generation order). */
  readonly events: readonly IncomingEvent[];
  readonly labels: readonly CustomerLabel[];
}

/** History entries before the start, packed as kind * HISTORY_KIND + product index; at one instant they run in kind order. */
const HISTORY_KIND = 1024;
const REGISTRATION = 0;
const OPENING = 1;
const FIRST_USE = 2;
const START_BALANCE = 3;
const HISTORY_CHUNK = 50_000;
/** Packed sort keys: 2^22 arrival indexes times a span of 2^31 ms (~24 days) stay below 2^53. */
const PACKED_INDEX_LIMIT = 2 ** 22;
const PACKED_SPAN_LIMIT_MS = 2 ** 31;

/**
 * A seeded synthetic bank. Generation is streamed: onboarding history first, then one time-sorted batch per
 * simulated day, so memory holds the customers and one day of events, never the whole run. Every run of the
 * same simulation yields the same events.
 */
export class BankSimulation {
  readonly options: ResolvedSimulationOptions;
  readonly customers: readonly SimulatedCustomer[];
  private readonly plans: readonly CustomerPlan[];
  private finishedLabels: readonly CustomerLabel[] | null = null;

  constructor(options: SimulationOptions) {
    this.options = resolveSimulationOptions(options);
    const plans: CustomerPlan[] = new Array(this.options.customers);
    for (let i = 0; i < plans.length; i++) plans[i] = planCustomer(this.options, i);
    this.plans = plans;
    this.customers = plans.map((plan) => plan.customer);
  }

  /** Time-sorted batches: onboarding history in chunks, then one batch per simulated day (possibly empty). */
  *eventBatches(): Generator<IncomingEvent[], void, undefined> {
    const options = this.options;
    const buffer = new SortingBuffer();
    const tracker = new LabelTracker(
      this.customers.map((c) => c.customerId),
      options.observationMs,
      options.labelWindowEndMs,
      formatDate(options.observationMs),
    );
    const sink: EventSink = {
      accept(customerIndex, epochMs, event) {
        buffer.push(epochMs, event);
        tracker.observe(customerIndex, epochMs, event);
      },
    };
    const runtimes = this.plans.map((plan) => new CustomerRuntime(plan, options, sink));
    for (const rt of runtimes) {
      if (rt.plan.registeredAtMs >= options.startMs) rt.schedule({ atMs: rt.plan.registeredAtMs, kind: 'register' });
      for (const product of rt.plan.products) {
        if (product.openedAtMs >= options.startMs) rt.schedule({ atMs: product.openedAtMs, kind: 'open', product });
      }
    }

    yield* this.history(runtimes, buffer);

    for (let d = 0; d < options.days; d++) {
      const dayMs = options.startMs + d * DAY_MS;
      const date = new Date(dayMs);
      const weekday = date.getUTCDay();
      const dayOfMonth = date.getUTCDate();
      for (const rt of runtimes) simulateCustomerDay(rt, dayMs, weekday, dayOfMonth);
      yield buffer.drainSorted(dayMs);
    }
    this.finishedLabels = tracker.labels();
  }

  *events(): Generator<IncomingEvent, void, undefined> {
    for (const batch of this.eventBatches()) yield* batch;
  }

  /** Ground-truth labels; runs the simulation (without keeping events) unless a run has completed already. */
  labels(): readonly CustomerLabel[] {
    if (!this.finishedLabels) for (const batch of this.eventBatches()) void batch;
    return this.finishedLabels!;
  }

  /**
   * Registration, openings and start balances of customers who joined before the start, in time order. Each
   * entry yields exactly one event at its own instant, so chunks of the sorted entries are sorted too.
   */
  private *history(runtimes: readonly CustomerRuntime[], buffer: SortingBuffer): Generator<IncomingEvent[], void, undefined> {
    const startMs = this.options.startMs;
    const times: number[] = [];
    const owners: number[] = [];
    const codes: number[] = [];
    const add = (atMs: number, customer: number, code: number): void => {
      times.push(atMs);
      owners.push(customer);
      codes.push(code);
    };
    for (const rt of runtimes) {
      const plan = rt.plan;
      if (plan.registeredAtMs >= startMs) continue;
      add(plan.registeredAtMs, plan.index, REGISTRATION * HISTORY_KIND);
      const snapshotMs = startMs - HOUR_MS - rt.rng.int(3 * HOUR_MS);
      plan.products.forEach((product, p) => {
        if (product.openedAtMs >= startMs) return;
        add(product.openedAtMs, plan.index, OPENING * HISTORY_KIND + p);
        // A used credit card shows its first purchase within days, so only dormant cards look unused (use case 2).
        if (product.product === 'credit_card' && !product.dormant) {
          const firstUseMs = atLocalTime(rt.rng, plan.zone, dayOf(product.openedAtMs) + (1 + rt.rng.int(20)) * DAY_MS, 9, 20);
          if (firstUseMs < startMs - DAY_MS) add(firstUseMs, plan.index, FIRST_USE * HISTORY_KIND + p);
        }
        add(snapshotMs + p * 1000, plan.index, START_BALANCE * HISTORY_KIND + p);
      });
    }
    const order = new Uint32Array(times.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => times[a] - times[b] || owners[a] - owners[b] || codes[a] - codes[b]);

    for (let i = 0; i < order.length; i++) {
      const entry = order[i];
      const rt = runtimes[owners[entry]];
      const kind = Math.floor(codes[entry] / HISTORY_KIND);
      const product = rt.plan.products[codes[entry] % HISTORY_KIND];
      if (kind === REGISTRATION) registerCustomer(rt, times[entry]);
      else if (kind === OPENING) openProduct(rt, product, times[entry], true);
      else if (kind === FIRST_USE) reportFirstUse(rt, product.productId, times[entry]);
      else reportStartBalance(rt, product, times[entry]);
      if (buffer.size >= HISTORY_CHUNK) yield buffer.drainSorted();
    }
    if (buffer.size > 0) yield buffer.drainSorted();
  }
}

/** Runs a whole simulation in memory: for tests and small populations. Large runs should stream `BankSimulation`. */
export function simulateBank(options: SimulationOptions): SimulationResult {
  const simulation = new BankSimulation(options);
  const events: IncomingEvent[] = [];
  for (const batch of simulation.eventBatches()) for (const event of batch) events.push(event);
  return { options: simulation.options, customers: simulation.customers, events, labels: simulation.labels() };
}

/** Collects one batch of events and hands them back ordered by instant, ties in arrival order. */
class SortingBuffer {
  private events: IncomingEvent[] = [];
  private times: number[] = [];

  get size(): number {
    return this.events.length;
  }

  push(epochMs: number, event: IncomingEvent): void {
    this.events.push(event);
    this.times.push(epochMs);
  }

  /**
   * With `baseMs` (a day's start) and a day-sized batch, the sort runs natively on packed keys
   * (ms since base * 2^22 + arrival index, exact below 2^53); otherwise it falls back to a comparator.
   */
  drainSorted(baseMs?: number): IncomingEvent[] {
    const { events, times } = this;
    const n = events.length;
    const sorted = new Array<IncomingEvent>(n);
    if (baseMs !== undefined && n < PACKED_INDEX_LIMIT && times.every((t) => t >= baseMs && t - baseMs < PACKED_SPAN_LIMIT_MS)) {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = (times[i] - baseMs) * PACKED_INDEX_LIMIT + i;
      keys.sort();
      for (let i = 0; i < n; i++) sorted[i] = events[keys[i] % PACKED_INDEX_LIMIT];
    } else {
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort((a, b) => times[a] - times[b] || a - b);
      for (let i = 0; i < n; i++) sorted[i] = events[order[i]];
    }
    this.events = [];
    this.times = [];
    return sorted;
  }
}
