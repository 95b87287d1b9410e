import { dataOf, eventsByCustomer, rocAuc } from '../test-support/event-analysis';
import { DAY_MS, formatDate } from '../time/simulated-time';
import { simulateBank } from './bank-simulation';
import { ACTIVITY_EVENT_TYPES, CustomerLabel } from './customer-label';
import { SIMULATED_PRODUCTS } from '../population/simulated-customer';

const ACTIVITY = new Set<string>(ACTIVITY_EVENT_TYPES);

describe('labels', () => {
  it('agree with the events they were derived from', () => {
    const result = simulateBank({ seed: 31, customers: 500, days: 75 });
    const { observationMs, labelWindowEndMs } = result.options;
    expect(labelWindowEndMs - observationMs).toBe(30 * DAY_MS);
    const byCustomer = eventsByCustomer(result.events);
    expect(result.labels.map((l) => l.customerId)).toEqual(result.customers.map((c) => c.customerId));

    for (const label of result.labels) {
      const events = byCustomer.get(label.customerId)!;
      const inWindow = events.filter((e) => e.at >= observationMs && e.at < labelWindowEndMs);
      const closure = events.find((e) => e.event.type === 'product_closed' && dataOf(e.event, 'product_closed').product === 'checking_account');
      expect(label.observationDate).toBe(formatDate(observationMs));
      expect(label.churned).toBe(closure !== undefined);
      expect(label.churnedAt).toBe(closure?.event.occurredAt ?? null);
      expect(label.churnedWithin30Days).toBe(closure !== undefined && closure.at >= observationMs && closure.at < labelWindowEndMs);
      expect(label.activeNextMonth).toBe(inWindow.some((e) => ACTIVITY.has(e.event.type)));
      const opened = new Set(inWindow.filter((e) => e.event.type === 'product_opened').map((e) => dataOf(e.event, 'product_opened').product));
      for (const product of SIMULATED_PRODUCTS) expect(label.openedWithin30Days[product]).toBe(opened.has(product));
    }

    // Every label kind occurs both ways, otherwise nothing could be learned from it.
    for (const key of ['churned', 'churnedWithin30Days', 'activeNextMonth'] as const) {
      expect(new Set(result.labels.map((l) => l[key]))).toEqual(new Set([true, false]));
    }
    for (const product of ['savings_account', 'credit_card', 'debit_card', 'installment_loan'] as const) {
      expect(result.labels.some((l) => l.openedWithin30Days[product])).toBe(true);
    }
  });

  it('cover the whole period when it is shorter than the label window', () => {
    const result = simulateBank({ seed: 1, customers: 20, days: 10 });
    expect(result.options.observationMs).toBe(result.options.startMs);
    expect(result.options.labelWindowEndMs).toBe(result.options.endMs);
    expect(result.labels[0].observationDate).toBe(result.options.startDate);
  });
});

describe('behavioural signal behind the labels', () => {
  // Simple features from events before the observation date only, as a model would see them.
  const customers = 2500;
  const recent = new Float64Array(customers);
  const earlier = new Float64Array(customers);
  const lastMonth = new Float64Array(customers);
  const complaints = new Float64Array(customers);
  const leavingPages = new Float64Array(customers);
  const productPages = new Float64Array(customers);
  let eligible: { label: CustomerLabel; i: number }[] = [];

  beforeAll(() => {
    const result = simulateBank({ seed: 7, customers, days: 90, monthlyChurnRate: 0.06 });
    const { observationMs } = result.options;
    const index = new Map(result.customers.map((c, i) => [c.customerId, i]));
    for (const event of result.events) {
      const at = Date.parse(event.occurredAt);
      if (at >= observationMs) break;
      const i = index.get(event.customerId!)!;
      if (event.type === 'card_transaction' || event.type === 'login') {
        if (at >= observationMs - 14 * DAY_MS) recent[i]++;
        else if (at >= observationMs - 60 * DAY_MS) earlier[i]++;
      }
      if (ACTIVITY.has(event.type) && at >= observationMs - 30 * DAY_MS) lastMonth[i]++;
      if (at < observationMs - 30 * DAY_MS) continue;
      if (event.type === 'complaint_filed') complaints[i]++;
      if (event.type === 'page_view') {
        const page = dataOf(event, 'page_view').page;
        if (/close|switch|fees/.test(page)) leavingPages[i]++;
        if (page.startsWith('/products/')) productPages[i]++;
      }
    }
    // Customers already gone or too new at the observation date are not scored.
    eligible = result.labels
      .map((label, i) => ({ label, i }))
      .filter(({ label, i }) => !(label.churned && Date.parse(label.churnedAt!) < observationMs) && Date.parse(result.customers[i].registeredAt) < observationMs - 60 * DAY_MS);
  });

  it('lets a naive churn score reach an AUC of at least 0.8, yet the labels stay noisy', () => {
    const score = ({ i }: { i: number }): number =>
      -Math.log((recent[i] + 1) / ((earlier[i] * 14) / 46 + 1)) + 0.7 * complaints[i] + 0.5 * leavingPages[i];
    const positives = eligible.map(({ label }) => label.churnedWithin30Days);
    expect(positives.filter(Boolean).length).toBeGreaterThanOrEqual(50);
    const auc = rocAuc(eligible.map(score), positives);
    expect(auc).toBeGreaterThanOrEqual(0.8);
    expect(auc).toBeLessThan(0.97);
  });

  it('makes next-month activity predictable from last month', () => {
    const positives = eligible.map(({ label }) => label.activeNextMonth);
    expect(positives.filter((p) => !p).length).toBeGreaterThanOrEqual(20);
    expect(rocAuc(eligible.map(({ i }) => lastMonth[i]), positives)).toBeGreaterThanOrEqual(0.8);
  });

  it('lets product page views hint at upcoming openings', () => {
    const positives = eligible.map(({ label }) => label.openedWithin30Days.savings_account || label.openedWithin30Days.credit_card || label.openedWithin30Days.installment_loan);
    const auc = rocAuc(eligible.map(({ i }) => productPages[i]), positives);
    expect(auc).toBeGreaterThan(0.6);
    expect(auc).toBeLessThan(0.97);
  });
});
