import type { CustomerEvent, EventData, EventType, LoggedEvent } from '@kairos/contracts';
import { defaultFeatureRegistry } from '@kairos/profile';
import { compileRuleSet } from '../rule-set/compiled-rule-set';
import { adultCheckingTable } from '../testing/camunda-dmn';
import { RuleSetSimulator, type SimulationLimits } from './rule-set-simulator';
import type { SimulationSources } from './simulation-sources';

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 2, 9);
let sequence = 0;
function event<T extends EventType>(customerId: string, atMs: number, type: T, data: EventData<T>): CustomerEvent<T> {
  return { id: `e-${sequence++}`, type, customerId, occurredAt: new Date(atMs).toISOString(), occurredAtMs: atMs, receivedAtMs: atMs, source: 'test', data };
}

/** Day 0: three adults and a minor register, two adults open checking accounts (one on day 1). */
function history(): LoggedEvent[] {
  const events: CustomerEvent[] = [
    event('c-1', START, 'customer_registered', { birthDate: '1980-01-01', country: 'DE', language: 'de' }),
    event('c-1', START + 1_000, 'product_opened', { product: 'checking_account', productId: 'k-1' }),
    event('c-2', START + 2_000, 'customer_registered', { birthDate: '1990-05-05', country: 'DE', language: 'de' }),
    event('c-3', START + 3_000, 'customer_registered', { birthDate: '2012-01-01', country: 'DE', language: 'de' }),
    event('c-3', START + 4_000, 'product_opened', { product: 'checking_account', productId: 'k-3' }),
    event('c-2', START + DAY, 'product_opened', { product: 'checking_account', productId: 'k-2' }),
  ] as CustomerEvent[];
  return events.map((e, offset) => ({ partition: 1, offset, event: e }));
}

function sources(records: readonly LoggedEvent[]): SimulationSources {
  return {
    registry: defaultFeatureRegistry(),
    ownedPartitions: () => [1],
    liveStore: () => undefined,
    readLog: async (_partition, from, limit) => records.slice(from, from + limit),
  };
}

const limits: SimulationLimits = { maxCustomers: 100, maxEvents: 1_000, maxDays: 31 };

describe('RuleSetSimulator over stored history', () => {
  it('counts the customers a rule set would hit per day and channel, with no customer ids in the report', async () => {
    const ruleSet = await compileRuleSet('adult', 1, adultCheckingTable());
    const report = await new RuleSetSimulator(sources(history()), { ruleSet, decision: 'Eligible', source: { kind: 'history' }, channels: ['app', 'email'], context: {}, limits, nowMs: START + 2 * DAY }).run();
    expect(report).toMatchObject({ source: 'history', partitions: [1], eventsRead: 6, truncated: false, customersEvaluated: 3, customersHit: 2 });
    expect(report.days).toEqual([
      { date: '2026-03-02', customersEvaluated: 3, customersHit: 1, byChannel: { app: 1, email: 1 }, outcomes: { true: 2, false: 4 } },
      { date: '2026-03-03', customersEvaluated: 1, customersHit: 1, byChannel: { app: 1, email: 1 }, outcomes: { true: 2 } },
    ]);
    expect(report.rows).toEqual({ adult_holder: 4, adult_without: 2, minor: 2 });
    expect(JSON.stringify(report)).not.toMatch(/c-\d/);
  });

  it('stops at its limits and says so', async () => {
    const ruleSet = await compileRuleSet('adult', 1, adultCheckingTable());
    const plan = { ruleSet, decision: 'Eligible', source: { kind: 'history' as const }, channels: [null], context: {}, nowMs: START };
    const fewCustomers = await new RuleSetSimulator(sources(history()), { ...plan, limits: { ...limits, maxCustomers: 1 } }).run();
    expect(fewCustomers).toMatchObject({ truncated: true, customersEvaluated: 1 });
    const fewEvents = await new RuleSetSimulator(sources(history()), { ...plan, limits: { ...limits, maxEvents: 2 } }).run();
    expect(fewEvents).toMatchObject({ truncated: true, eventsRead: 2, customersHit: 1 });
    const oneDay = await new RuleSetSimulator(sources(history()), { ...plan, limits: { ...limits, maxDays: 1 } }).run();
    expect(oneDay.days).toHaveLength(1);
    expect(oneDay.truncated).toBe(true);
  });
});
