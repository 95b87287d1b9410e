import fc from 'fast-check';
import { CustomerEvent } from '@kairos/contracts';
import { EventFeatureDefinition, FeatureValue } from '../features/feature-definition';
import { createFeatureRegistry } from '../features/feature-registry';
import { parseFeatureWindow } from '../features/feature-window';
import { PartitionProfileStore } from '../store/partition-profile-store';
import { DAY_MS, asLogged, eventHistoryArbitrary } from '../testing';
import { profileOf } from './profile-state';

/**
 * Each aggregation and window kind against a reference model written from the definition of the semantics, not
 * from the implementation: filter the customer's events, apply the lateness rule, bucket, aggregate.
 */
const TOLERANCE_MS = DAY_MS;

interface Case {
  readonly definition: Omit<EventFeatureDefinition, 'description' | 'purposes' | 'personalData'>;
  readonly matches: (event: CustomerEvent) => boolean;
  readonly value?: (event: CustomerEvent) => unknown;
}

const data = (event: CustomerEvent) => event.data as Record<string, unknown>;
const isType = (...types: string[]) => (event: CustomerEvent) => types.includes(event.type);
const amount = (event: CustomerEvent) => data(event).amount;
const occurred = (event: CustomerEvent) => event.occurredAtMs;

const CASES: readonly Case[] = [
  { definition: { name: 'pin_failed_10m', type: 'number', sources: ['atm_pin_failed'], aggregation: 'count', window: '10m' }, matches: isType('atm_pin_failed') },
  { definition: { name: 'logins_2h', type: 'number', sources: ['login'], aggregation: 'count', window: '2h' }, matches: isType('login') },
  {
    definition: { name: 'credit_tx_7d', type: 'number', sources: ['card_transaction'], filter: "data.product == 'credit_card'", aggregation: 'count', window: '7d' },
    matches: (e) => e.type === 'card_transaction' && data(e).product === 'credit_card',
  },
  { definition: { name: 'card_used_7d', type: 'boolean', sources: ['card_transaction'], aggregation: 'count', window: '7d' }, matches: isType('card_transaction') },
  { definition: { name: 'tx_lifetime', type: 'number', sources: ['card_transaction'], aggregation: 'count', window: 'lifetime' }, matches: isType('card_transaction') },
  {
    definition: { name: 'eur_spend_30d', type: 'number', sources: ['card_transaction'], filter: "data.currency == 'EUR'", value: 'data.amount', aggregation: 'sum', window: '30d' },
    matches: (e) => e.type === 'card_transaction' && data(e).currency === 'EUR',
    value: amount,
  },
  { definition: { name: 'spend_lifetime', type: 'number', sources: ['card_transaction'], value: 'data.amount', aggregation: 'sum', window: 'lifetime' }, matches: isType('card_transaction'), value: amount },
  { definition: { name: 'amount_min_30m', type: 'number', sources: ['card_transaction'], value: 'data.amount', aggregation: 'min', window: '30m' }, matches: isType('card_transaction'), value: amount },
  { definition: { name: 'amount_max_3d', type: 'number', sources: ['card_transaction'], value: 'data.amount', aggregation: 'max', window: '3d' }, matches: isType('card_transaction'), value: amount },
  { definition: { name: 'amount_min_lifetime', type: 'number', sources: ['card_transaction'], value: 'data.amount', aggregation: 'min', window: 'lifetime' }, matches: isType('card_transaction'), value: amount },
  { definition: { name: 'balance_max_lifetime', type: 'number', sources: ['balance_changed'], value: 'data.balance', aggregation: 'max', window: 'lifetime' }, matches: isType('balance_changed'), value: (e) => data(e).balance },
  { definition: { name: 'first_view_7d', type: 'timestamp', sources: ['page_view'], aggregation: 'min', window: '7d' }, matches: isType('page_view'), value: occurred },
  { definition: { name: 'newest_event_lifetime', type: 'timestamp', sources: ['login', 'page_view'], aggregation: 'max', window: 'lifetime' }, matches: isType('login', 'page_view'), value: occurred },
  { definition: { name: 'last_login_channel', type: 'string', sources: ['login'], value: 'data.channel', aggregation: 'last', window: 'lifetime' }, matches: isType('login'), value: (e) => data(e).channel },
  { definition: { name: 'last_balance_7d', type: 'number', sources: ['balance_changed'], value: 'data.balance', aggregation: 'last', window: '7d' }, matches: isType('balance_changed'), value: (e) => data(e).balance },
  { definition: { name: 'last_view_at', type: 'timestamp', sources: ['page_view'], aggregation: 'last', window: 'lifetime' }, matches: isType('page_view'), value: occurred },
  {
    definition: { name: 'last_limit', type: 'number', sources: ['product_opened', 'balance_changed'], filter: 'data.limit exists', value: 'data.limit', aggregation: 'last', window: 'lifetime' },
    matches: (e) => (e.type === 'product_opened' || e.type === 'balance_changed') && data(e).limit !== undefined,
    value: (e) => data(e).limit,
  },
  {
    definition: { name: 'first_big_tx_at', type: 'timestamp', sources: ['card_transaction'], filter: 'data.amount > 100', aggregation: 'first', window: 'lifetime' },
    matches: (e) => e.type === 'card_transaction' && (amount(e) as number) > 100,
    value: occurred,
  },
  { definition: { name: 'first_tx_channel', type: 'string', sources: ['card_transaction'], value: 'data.channel', aggregation: 'first', window: 'lifetime' }, matches: isType('card_transaction'), value: (e) => data(e).channel },
  {
    definition: { name: 'mcc_30d', type: 'number', sources: ['card_transaction'], value: 'data.merchantCategory', aggregation: 'distinct_count', window: '30d', maxDistinct: 3 },
    matches: isType('card_transaction'),
    value: (e) => data(e).merchantCategory,
  },
  {
    definition: { name: 'mcc_set_7d', type: 'string-set', sources: ['card_transaction'], value: 'data.merchantCategory', aggregation: 'distinct', window: '7d', maxDistinct: 4 },
    matches: isType('card_transaction'),
    value: (e) => data(e).merchantCategory,
  },
  {
    definition: { name: 'mcc_lifetime', type: 'number', sources: ['card_transaction'], value: 'data.merchantCategory', aggregation: 'distinct_count', window: 'lifetime', maxDistinct: 5 },
    matches: isType('card_transaction'),
    value: (e) => data(e).merchantCategory,
  },
  { definition: { name: 'pages_lifetime', type: 'string-set', sources: ['page_view'], value: 'data.page', aggregation: 'distinct', window: 'lifetime', maxDistinct: 3 }, matches: isType('page_view'), value: (e) => data(e).page },
  // Bound 1: two values seen in the same millisecond exercise the tie-break.
  { definition: { name: 'top_page_lifetime', type: 'string-set', sources: ['page_view'], value: 'data.page', aggregation: 'distinct', window: 'lifetime', maxDistinct: 1 }, matches: isType('page_view'), value: (e) => data(e).page },
  {
    definition: { name: 'top_mcc_7d', type: 'string-set', sources: ['card_transaction'], value: 'data.merchantCategory', aggregation: 'distinct', window: '7d', maxDistinct: 1 },
    matches: isType('card_transaction'),
    value: (e) => data(e).merchantCategory,
  },
  { definition: { name: 'engaged_1d', type: 'number', sources: ['message_opened', 'message_clicked'], aggregation: 'count', window: '1d' }, matches: isType('message_opened', 'message_clicked') },
  {
    definition: { name: 'products_touched_1d', type: 'number', sources: ['card_transaction', 'balance_changed'], filter: 'data.product exists', value: 'data.product', aggregation: 'distinct_count', window: '1d' },
    matches: isType('card_transaction', 'balance_changed'),
    value: (e) => data(e).product,
  },
];

const registry = createFeatureRegistry(
  CASES.map(({ definition }) => ({ ...definition, description: 'test', purposes: ['analytics'], personalData: 'pseudonymous' }) as EventFeatureDefinition),
  { lateToleranceMs: TOLERANCE_MS },
);

/** The reference value of `testCase` for one customer's events (log order) as of `atMs`. */
function reference(testCase: Case, events: readonly CustomerEvent[], atMs: number): FeatureValue {
  const { definition } = testCase;
  const window = parseFeatureWindow(definition.window);
  if (typeof window === 'string') throw new Error(window);
  let newest = -Infinity;
  const candidates: { event: CustomerEvent; index: number; value: unknown }[] = [];
  events.forEach((event, index) => {
    const beyondTolerance = event.occurredAtMs < newest - TOLERANCE_MS;
    newest = Math.max(newest, event.occurredAtMs);
    if (window.kind === 'sliding' && beyondTolerance) return;
    if (!testCase.matches(event)) return;
    const value = testCase.value ? testCase.value(event) : 1;
    if (value === undefined) return;
    candidates.push({ event, index, value });
  });
  const inWindow = (at: number) => {
    if (window.kind === 'lifetime') return true;
    const hi = Math.floor(atMs / window.bucketMs);
    const bucket = Math.floor(at / window.bucketMs);
    return bucket <= hi && bucket > hi - window.buckets;
  };
  const aggregation = definition.aggregation;
  if (aggregation === 'last' || aggregation === 'first') {
    let chosen: (typeof candidates)[number] | undefined;
    for (const candidate of candidates) {
      const at = candidate.event.occurredAtMs;
      if (!chosen || (aggregation === 'last' ? at >= chosen.event.occurredAtMs : at < chosen.event.occurredAtMs)) chosen = candidate;
    }
    return chosen && inWindow(chosen.event.occurredAtMs) ? (chosen.value as FeatureValue) : null;
  }
  if (aggregation === 'distinct' || aggregation === 'distinct_count') {
    const lastSeen = new Map<string, number>();
    for (const { event, value } of candidates) lastSeen.set(value as string, Math.max(lastSeen.get(value as string) ?? -Infinity, event.occurredAtMs));
    const kept = [...lastSeen]
      .filter(([, seen]) => inWindow(seen))
      .sort(([a, x], [b, y]) => y - x || (b < a ? -1 : b > a ? 1 : 0))
      .slice(0, definition.maxDistinct ?? 64)
      .map(([value]) => value);
    return aggregation === 'distinct' ? kept.sort() : kept.length;
  }
  const values = candidates.filter(({ event }) => inWindow(event.occurredAtMs)).map(({ value }) => value as number);
  switch (aggregation) {
    case 'count':
      return definition.type === 'boolean' ? values.length > 0 : values.length;
    case 'sum':
      return values.reduce((total, value) => total + Math.round(value * 100), 0) / 100;
    case 'min':
      return values.length === 0 ? null : Math.min(...values);
    case 'max':
      return values.length === 0 ? null : Math.max(...values);
  }
}

const READ_OFFSETS = [0, 30_000, 9 * 60_000, 59 * 60_000, DAY_MS, 6 * DAY_MS, 29 * DAY_MS, 31 * DAY_MS, 91 * DAY_MS];

describe('feature aggregations and windows (reference model)', () => {
  it('every aggregation and window kind matches the reference, with late and too-late events', () => {
    fc.assert(
      fc.property(eventHistoryArbitrary({ customerIds: ['c-1', 'c-2'], maxEvents: 80, maxDelayMs: 2 * DAY_MS }), fc.constantFrom(...READ_OFFSETS), (events, offset) => {
        const store = new PartitionProfileStore({ partition: 0, registry });
        for (const logged of asLogged(events)) store.apply(logged);
        for (const customerId of store.customerIds()) {
          // An erasure forgets everything before it: the reference starts after the customer's last one.
          const all = events.filter((event) => event.customerId === customerId);
          const own = all.slice(all.map((event) => event.type).lastIndexOf('customer_erased') + 1);
          const atMs = Math.max(...own.map((event) => event.occurredAtMs)) + offset;
          const state = profileOf(store, customerId)!;
          for (const testCase of CASES) {
            const expected = reference(testCase, own, atMs);
            const actual = registry.read(state, testCase.definition.name, atMs);
            expect([testCase.definition.name, actual]).toEqual([testCase.definition.name, expected]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts an event in its own bucket: a 10m window covers the current minute and the nine before it', () => {
    const store = new PartitionProfileStore({ partition: 0, registry });
    const t = Date.UTC(2024, 2, 1, 12, 0, 30);
    const pin = (offset: number, at: number) =>
      store.apply({ partition: 0, offset, event: { id: `e${offset}`, type: 'atm_pin_failed', customerId: 'c', occurredAt: '', occurredAtMs: at, receivedAtMs: at, source: 's', data: { cardId: 'k', atmId: 'a' } } });
    pin(0, t);
    pin(1, t + 60_000);
    const state = profileOf(store, 'c')!;
    expect(registry.read(state, 'pin_failed_10m', t + 60_000)).toBe(2);
    expect(registry.read(state, 'pin_failed_10m', t + 9 * 60_000)).toBe(2);
    expect(registry.read(state, 'pin_failed_10m', Date.UTC(2024, 2, 1, 12, 10))).toBe(1);
    expect(registry.read(state, 'pin_failed_10m', Date.UTC(2024, 2, 1, 12, 11))).toBe(0);
  });
});
