import fc from 'fast-check';
import { EVENT_TYPES, EventType } from './event-catalog';
import { DEFAULT_EVENT_VALIDATION_POLICY, GOVERNANCE_EVENT_VALIDATION_POLICY, validateIncomingEvent } from './event-validation';
import { CompiledEventValidator } from './compiled-event-validation';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const CANARY = 'Canary-Pii-7f3e';
const validator = new CompiledEventValidator();

/** One valid `data` per catalog type, every optional field present (the generators drop some). */
const VALID_DATA: Record<EventType, Record<string, unknown>> = {
  customer_registered: {
    birthDate: '1980-02-29',
    country: 'DE',
    language: 'de-DE',
    timeZone: 'Europe/Berlin',
    firstName: 'Ann',
    lastName: 'Lee',
    contact: { email: 'ann@example.org', phone: '+4915112345679' },
  },
  product_opened: { product: 'credit_card', productId: 'cc-1', limit: 2000 },
  product_closed: { product: 'depot', productId: 'dp-1', reason: 'moved' },
  card_transaction: { cardId: 'card-1', product: 'debit_card', amount: 12.5, currency: 'EUR', merchantCategory: '5411', channel: 'pos' },
  atm_pin_failed: { cardId: 'card-1', atmId: 'atm-1' },
  card_locked: { cardId: 'card-1', reason: 'fraud_suspected' },
  card_unlocked: { cardId: 'card-1', via: 'ivr' },
  balance_changed: { productId: 'acc-1', product: 'checking_account', balance: -120.75, limit: 500 },
  login: { channel: 'app', deviceId: 'dev-1' },
  page_view: { channel: 'web', page: '/cards/credit' },
  call_started: { channel: 'ivr' },
  complaint_filed: { category: 'fees', channel: 'branch' },
  message_delivered: { messageId: 'm-1', actionId: 'a-1', variantId: 'v-1' },
  message_opened: { messageId: 'm-1', actionId: 'a-1', variantId: 'v-1' },
  message_clicked: { messageId: 'm-1', actionId: 'a-1', variantId: 'v-1' },
  consent_changed: {
    consentId: 'cs-1',
    purpose: 'marketing',
    channel: 'email',
    status: 'given',
    method: 'app',
    capturedAt: '2026-05-01T10:00:00Z',
    noticeId: 'n-1',
    noticeVersion: '1.2',
    evidenceRef: 'ev-1',
  },
  processing_objected: { requestId: 'r-1', scope: 'profiling', receivedAt: '2026-05-01T10:00:00+02:00' },
  customer_erased: { requestId: 'r-1', receivedAt: '2026-05-01T10:00:00.123Z' },
};

function validEvent(type: EventType, customerId = 'c-1'): Record<string, unknown> {
  return { id: `e-${type}`, type, customerId, occurredAt: '2026-06-01T11:59:00.000Z', source: 'core-banking', data: JSON.parse(JSON.stringify(VALID_DATA[type])) };
}

/** Values at and around every rule's edge, plus the type confusions and oddities of the P1 fuzz. */
const EDGE_VALUES: unknown[] = [
  '',
  'x',
  'a'.repeat(63),
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(200),
  'a'.repeat(201),
  ' lead',
  'UPPER',
  'lower',
  'EUR',
  'eur',
  'DE',
  'de',
  'de-DE',
  '5411',
  '541',
  '/ok/path',
  'no-slash',
  '1980-02-29',
  '1981-02-29',
  '2026-06-01T11:59:00Z',
  '2026-06-01T11:59:00',
  '2026-06-01T12:10:00.000Z',
  '2026-02-30T10:00:00Z',
  '4111111111111111',
  '4111 1111 1111 1111',
  'ann@example.org',
  'not-an-email',
  '+4915112345679',
  '1.2.3',
  '1.2.3.4',
  'credit_card',
  'pos',
  'web',
  'given',
  'profiling',
  '\u202e',
  '\u0000',
  '\udc00',
  'ü'.repeat(50),
  `${CANARY}@example.org`,
  0,
  -0,
  1.5,
  -1e12,
  1e12,
  1e12 + 1,
  -1e12 - 1,
  4111111111111111,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  null,
  undefined,
  [],
  ['a'],
  {},
  { email: 'ann@example.org' },
  Object.create(null),
];

const REMOVED = Symbol('removed');
const edgeValue = fc.constantFrom(...EDGE_VALUES);
const anyType = fc.constantFrom(...EVENT_TYPES);
const oddText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('\u202e', '\u200b', '\udc00', '\u0000', '\ufeff{"', CANARY));
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), oddText);

/** A valid event with one field of the envelope or of its data replaced, removed, or one field added. */
const mutatedEvent = fc
  .tuple(anyType, fc.constantFrom('replace', 'remove', 'add'), fc.boolean(), fc.nat(), fc.oneof(edgeValue, anyJson), fc.constantFrom('extra', '__proto__', 'constructor', 'data', CANARY))
  .map(([type, change, inData, pick, value, extraKey]) => {
    const event = validEvent(type);
    const target = inData ? (event.data as Record<string, unknown>) : event;
    const keys = Object.keys(target);
    const key = keys[pick % keys.length];
    if (change === 'replace') target[key] = value;
    else if (change === 'remove') delete target[key];
    else Object.defineProperty(target, extraKey, { value, enumerable: true, configurable: true, writable: true });
    return event;
  });

/** Valid events with optional fields dropped at random and customerId or identifiers varied. */
const validVariants = fc.tuple(anyType, fc.array(fc.nat({ max: 3 }).map((n) => n === 0), { minLength: 8, maxLength: 8 }), fc.constantFrom('id', 'identifiers', 'both')).map(([type, drops, naming]) => {
  const event = validEvent(type);
  const data = event.data as Record<string, unknown>;
  Object.keys(data).forEach((key, i) => {
    if (drops[i]) delete data[key];
  });
  if (naming !== 'id') event.identifiers = { cardId: 'card-1' };
  if (naming === 'identifiers') delete event.customerId;
  return event;
});

/** The shapes of the P1 fuzz of POST /v1/events, per event. */
const p1Payloads = fc.oneof(
  fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(anyJson, { maxLength: 4 }), oddText),
  fc.tuple(fc.constantFrom('id', 'type', 'customerId', 'occurredAt', 'source', 'data'), fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.nat()), fc.constant(null), oddText)).map(
    ([field, value]) => ({ ...validEvent('atm_pin_failed'), [field]: field === 'type' ? `${String(value)}-unknown` : typeof value === 'string' ? ` ${value}` : value }),
  ),
  anyJson.map((data) => ({ ...validEvent('atm_pin_failed'), data: { bogus: data } })),
  fc.integer({ min: 50, max: 300 }).map((depth) => ({ ...validEvent('atm_pin_failed'), data: JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) })),
  fc.integer({ min: 129, max: 3_000 }).map((length) => ({ ...validEvent('atm_pin_failed'), customerId: 'x'.repeat(length) })),
  anyJson.map((bogus) => ({ bogus })),
);

/**
 * Compares with the reference validation (as JSON, so field order counts too); returns whether the compiled path
 * answered on its own. Where it does not, `validate` is the reference validation itself (falling back is always
 * allowed: zod even accepts an own `__proto__` in data, stripping it, which the fast path leaves to zod).
 */
function expectSameAsReference(raw: unknown, policy = DEFAULT_EVENT_VALIDATION_POLICY): boolean {
  const alone = validator.validateCommonCase(raw, NOW, policy);
  if (!alone) return false;
  const reference = JSON.stringify(validateIncomingEvent(raw, NOW, policy, ['events', 3]));
  if (JSON.stringify(alone) !== reference) expect(JSON.stringify(alone)).toBe(reference);
  return true;
}

/** Whether the fast path is meant to answer a valid event alone: a producer type, named by customer id only. */
function isProducerEvent(raw: Record<string, unknown>): boolean {
  return !['consent_changed', 'processing_objected', 'customer_erased'].includes(raw.type as string) && raw.identifiers === undefined;
}

function reversed(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? reversed(inner as Record<string, unknown>) : inner]));
}

describe('CompiledEventValidator', () => {
  it('answers every valid event of every producer type alone, exactly as the reference does', () => {
    for (const type of EVENT_TYPES) {
      const answeredAlone = expectSameAsReference(validEvent(type));
      expect([type, answeredAlone]).toEqual([type, isProducerEvent(validEvent(type))]);
    }
  });

  it('answers events whose fields come in another order with the fields in the schema order, as zod does', () => {
    for (const type of EVENT_TYPES) {
      const event = reversed(validEvent(type));
      expect(expectSameAsReference(event)).toBe(isProducerEvent(event));
      const answer = validator.validateCommonCase(event, NOW, DEFAULT_EVENT_VALIDATION_POLICY);
      if (answer?.ok) expect(Object.keys(answer.event)[0]).toBe('id');
    }
  });

  it('leaves governance events, identifiers and possible card numbers to the reference validation', () => {
    for (const type of ['consent_changed', 'processing_objected', 'customer_erased'] as const) {
      expect(expectSameAsReference(validEvent(type), GOVERNANCE_EVENT_VALIDATION_POLICY)).toBe(false);
    }
    expect(expectSameAsReference({ ...validEvent('login'), identifiers: { cardId: 'card-1' } })).toBe(false);
    expect(expectSameAsReference({ ...validEvent('product_closed'), data: { product: 'depot', productId: 'dp-1', reason: 'card 4111 1111 1111 1111' } })).toBe(false);
    expect(expectSameAsReference({ ...validEvent('login'), occurredAt: '2026-06-01T12:06:00.000Z' })).toBe(false);
  });

  it('never differs from the reference for any edge value in any field of any type, or any field removed', () => {
    let alone = 0;
    let checked = 0;
    for (const type of EVENT_TYPES) {
      for (const inData of [false, true]) {
        const keys = Object.keys(inData ? VALID_DATA[type] : validEvent(type));
        for (const key of keys) {
          for (const value of [...EDGE_VALUES, REMOVED]) {
            const event = validEvent(type);
            const target = inData ? (event.data as Record<string, unknown>) : event;
            if (value === REMOVED) delete target[key];
            else target[key] = value;
            if (expectSameAsReference(event)) alone++;
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
    expect(alone).toBeGreaterThan(500);
  });

  it('answers generated valid variants as the reference does, or leaves them to it', () => {
    let alone = 0;
    fc.assert(
      fc.property(validVariants, (event) => {
        if (expectSameAsReference(event)) alone++;
      }),
      { seed: 20261124, numRuns: 600 },
    );
    expect(alone).toBeGreaterThan(60);
  });

  it('never accepts what the reference refuses: events with one field broken, removed or added', () => {
    fc.assert(
      fc.property(mutatedEvent, (event) => {
        expectSameAsReference(event);
        expectSameAsReference(event, GOVERNANCE_EVENT_VALIDATION_POLICY);
      }),
      { seed: 7, numRuns: 800 },
    );
  });

  it('never accepts the P1 fuzz shapes, also after a JSON round trip', () => {
    fc.assert(
      fc.property(p1Payloads, (payload) => {
        expectSameAsReference(payload);
        expectSameAsReference(JSON.parse(JSON.stringify(payload) ?? 'null'));
      }),
      { seed: 42, numRuns: 800 },
    );
  });
});
