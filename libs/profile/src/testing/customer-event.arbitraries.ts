import fc from 'fast-check';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, CustomerEvent, EVENT_TYPES, EventData, EventType, LoggedEvent, PRODUCT_KINDS, ProductKind } from '@kairos/contracts';
import { DAY_MS, TEST_EPOCH_MS } from './customer-event.factory';

/**
 * fast-check arbitraries for realistic events of the catalog. Value pools are small on purpose: the same card,
 * product, merchant category or message recurs, so folds meet repeated keys, ties and late updates. Every id
 * names one thing (a card id one card product, a product id one product kind), as in a real bank.
 */
const CARDS = [
  { cardId: 'card-c-1', product: 'credit_card' },
  { cardId: 'card-c-2', product: 'credit_card' },
  { cardId: 'card-d-1', product: 'debit_card' },
] as const;
const MERCHANT_CATEGORIES = ['5411', '5812', '5541', '4111', '5732', '5999', '7011', '5311'];
const PAGES = ['/', '/cards', '/cards/credit', '/loans', '/accounts/overview', '/help/pin'];
const IDS = ['m-1', 'm-2', 'm-3'];

const money = fc.integer({ min: -50_000, max: 500_000 }).map((cents) => cents / 100);
const productId = (kind: ProductKind) => fc.integer({ min: 1, max: 2 }).map((n) => `prod-${kind}-${n}`);
const productRef = fc.constantFrom(...PRODUCT_KINDS).chain((product) => productId(product).map((id) => ({ product, productId: id })));
const card = fc.constantFrom(...CARDS);
const messageRef = fc.record({ messageId: fc.constantFrom(...IDS), actionId: fc.constantFrom('a-1', 'a-2'), variantId: fc.constantFrom('v-1', 'v-2') });
const birthDate = fc
  .record({ year: fc.integer({ min: 1930, max: 2012 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }) })
  .map(({ year, month, day }) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);

const DATA: { [T in EventType]: fc.Arbitrary<EventData<T>> } = {
  customer_registered: fc.record(
    {
      birthDate,
      country: fc.constantFrom('DE', 'AT', 'CH', 'FR'),
      language: fc.constantFrom('de', 'en', 'fr', 'de-DE'),
      timeZone: fc.constantFrom('Europe/Berlin', 'Europe/Vienna', 'UTC', 'America/New_York'),
      firstName: fc.constantFrom('Anna', 'Jörg'),
      lastName: fc.constantFrom('Muster', 'Beispiel'),
      contact: fc.record({ email: fc.constant('anna@example.com'), phone: fc.constant('+4930123456') }, { requiredKeys: [] }),
    },
    { requiredKeys: ['birthDate', 'country', 'language'] },
  ),
  product_opened: fc.record({ ref: productRef, limit: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }) }).map(({ ref, limit }) =>
    limit === undefined ? { ...ref } : { ...ref, limit },
  ),
  product_closed: fc.record({ ref: productRef, reason: fc.option(fc.constantFrom('moved', 'fees'), { nil: undefined }) }).map(({ ref, reason }) =>
    reason === undefined ? { ...ref } : { ...ref, reason },
  ),
  card_transaction: fc
    .record({
      card,
      amount: money,
      currency: fc.constantFrom('EUR', 'EUR', 'EUR', 'USD'),
      merchantCategory: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...MERCHANT_CATEGORIES) }, { weight: 1, arbitrary: fc.integer({ min: 1000, max: 9999 }).map(String) }),
      channel: fc.constantFrom('pos', 'ecommerce', 'atm', 'contactless', 'wallet'),
    })
    .map(({ card: { cardId, product }, ...rest }) => ({ cardId, product, ...rest })),
  atm_pin_failed: fc.record({ cardId: card.map((c) => c.cardId), atmId: fc.constantFrom('atm-1', 'atm-2') }),
  card_locked: fc.record({ cardId: card.map((c) => c.cardId), reason: fc.constantFrom('pin_attempts_exceeded', 'customer_request', 'fraud_suspected', 'other') }),
  card_unlocked: fc.record({ cardId: card.map((c) => c.cardId), via: fc.constantFrom('ivr', 'app', 'call_center', 'branch', 'automatic') }),
  balance_changed: fc.record({ ref: productRef, balance: money, limit: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }) }).map(({ ref, balance, limit }) =>
    limit === undefined ? { ...ref, balance } : { ...ref, balance, limit },
  ),
  login: fc.record({ channel: fc.constantFrom('web', 'app'), deviceId: fc.constantFrom('dev-1', 'dev-2') }, { requiredKeys: ['channel'] }),
  page_view: fc.record({ channel: fc.constantFrom('web', 'app'), page: fc.constantFrom(...PAGES) }),
  call_started: fc.record({ channel: fc.constantFrom('ivr', 'call_center') }),
  complaint_filed: fc.record({ category: fc.constantFrom('fees', 'service', 'product', 'fraud', 'other'), channel: fc.constantFrom('branch', 'phone') }, { requiredKeys: ['category'] }),
  message_delivered: messageRef,
  message_opened: messageRef,
  message_clicked: messageRef,
  consent_changed: fc.record(
    {
      consentId: fc.constantFrom('cons-1', 'cons-2', 'cons-3'),
      purpose: fc.constantFrom(...CONSENT_PURPOSES),
      channel: fc.constantFrom(...CONSENT_CHANNELS),
      status: fc.constantFrom('given', 'withdrawn', 'refused'),
      method: fc.constantFrom('web_form', 'app', 'call_center', 'branch', 'letter', 'email', 'api'),
      capturedAt: fc.constant('2026-01-15T10:00:00.000Z'),
      noticeId: fc.constantFrom('privacy-notice', 'marketing-notice'),
      noticeVersion: fc.constantFrom('1.0', '2.1'),
      evidenceRef: fc.constantFrom('ev-1', 'ev-2'),
    },
    { requiredKeys: ['consentId', 'purpose', 'status', 'method', 'capturedAt', 'noticeId', 'noticeVersion', 'evidenceRef'] },
  ),
  processing_objected: fc.record({ requestId: fc.constantFrom('dsr-1', 'dsr-2'), scope: fc.constantFrom('direct_marketing', 'profiling'), receivedAt: fc.constant('2026-01-15T10:00:00.000Z') }),
  customer_erased: fc.record({ requestId: fc.constantFrom('dsr-3', 'dsr-4'), receivedAt: fc.constant('2026-01-15T10:00:00.000Z') }),
} as { [T in EventType]: fc.Arbitrary<EventData<T>> };

/** Valid `data` for an event of `type`. */
export function eventDataArbitrary<T extends EventType>(type: T): fc.Arbitrary<EventData<T>> {
  return DATA[type];
}

/** An event type, weighted roughly like a bank's traffic (page views and card payments dominate). */
export function eventTypeArbitrary(types: readonly EventType[] = EVENT_TYPES): fc.Arbitrary<EventType> {
  const weights: Partial<Record<EventType, number>> = { page_view: 6, card_transaction: 6, login: 4, balance_changed: 3, atm_pin_failed: 2 };
  return fc.oneof(...types.map((type) => ({ weight: weights[type] ?? 1, arbitrary: fc.constant(type) })));
}

export interface EventHistoryOptions {
  readonly customerIds?: readonly string[];
  readonly minEvents?: number;
  readonly maxEvents?: number;
  readonly types?: readonly EventType[];
  readonly startMs?: number;
  /**
   * How far an event may arrive behind the events logged before it: arrival is occurredAt plus a random delay
   * up to this (ms). 0 gives occurredAt order.
   */
  readonly maxDelayMs?: number;
}

/** The time between consecutive events: none (same-millisecond ties), seconds (bursts at an ATM), minutes, hours, days. */
const gap = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 120_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3_600_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 2 * DAY_MS }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 20 * DAY_MS }) },
);

/**
 * A history of valid events in log order. occurredAt times advance by realistic gaps; each event is then delayed
 * by up to `maxDelayMs` and the log orders by arrival, so some events are late relative to those before them.
 * Ids are unique within the history.
 */
export function eventHistoryArbitrary(options: EventHistoryOptions = {}): fc.Arbitrary<CustomerEvent[]> {
  const customerIds = options.customerIds ?? ['cust-1'];
  const startMs = options.startMs ?? TEST_EPOCH_MS;
  const maxDelayMs = options.maxDelayMs ?? 0;
  const item = eventTypeArbitrary(options.types).chain((type) =>
    fc.record({
      type: fc.constant(type),
      data: DATA[type] as fc.Arbitrary<unknown>,
      customerId: fc.constantFrom(...customerIds),
      gap,
      delay: fc.integer({ min: 0, max: maxDelayMs }),
      receiveLag: fc.integer({ min: 0, max: 5_000 }),
    }),
  );
  return fc.array(item, { minLength: options.minEvents ?? 0, maxLength: options.maxEvents ?? 60, size: 'max' }).map((items) => {
    let clock = startMs;
    const timed = items.map((entry, index) => {
      clock += entry.gap;
      const occurredAtMs = clock;
      const event = {
        id: `evt-${index}`,
        type: entry.type,
        customerId: entry.customerId,
        occurredAt: new Date(occurredAtMs).toISOString(),
        occurredAtMs,
        receivedAtMs: occurredAtMs + entry.delay + entry.receiveLag,
        source: 'test-source',
        data: entry.data,
      } as CustomerEvent;
      return { event, arrival: occurredAtMs + entry.delay, index };
    });
    return timed.sort((a, b) => a.arrival - b.arrival || a.index - b.index).map(({ event }) => event);
  });
}

/** A history as consecutive records of `partition`, offsets from 0. */
export function loggedHistoryArbitrary(partition: number, options: EventHistoryOptions = {}): fc.Arbitrary<LoggedEvent[]> {
  return eventHistoryArbitrary(options).map((events) => events.map((event, offset) => ({ partition, offset, event })));
}
