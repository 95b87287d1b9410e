import fc from 'fast-check';
import { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import { defaultFeatureRegistry } from '../features/default-feature-registry';
import { exportStore } from '../profile/profile-record';
import { evolveProfile, initialProfile, profileOf } from '../profile/profile-state';
import { profileAttributes } from '../profile/profile-attributes';
import { decodeSnapshot, encodeSnapshot } from '../snapshot/snapshot-codec';
import { CustomerEventFactory, DAY_MS, TEST_EPOCH_MS, asLogged, featureMatrix, loggedHistoryArbitrary, newestEventAt } from '../testing';
import { CustomerIndex } from './byte-strings';
import { PartitionProfileStore } from './partition-profile-store';

const registry = defaultFeatureRegistry();
const t = TEST_EPOCH_MS;
const CANARY_CUSTOMER = 'canary-cust-7f3e9a';
const CANARY_PRODUCT = 'canary-prod-51c2';
const CANARY_CARD = 'canary-card-88d4';
const CANARIES = [CANARY_CUSTOMER, CANARY_PRODUCT, CANARY_CARD];

function canaryHistory(): CustomerEvent[] {
  const canary = new CustomerEventFactory(CANARY_CUSTOMER);
  const other = new CustomerEventFactory('other-1');
  return [
    canary.at(t, 'customer_registered', { birthDate: '1990-05-01', country: 'DE', language: 'de' }),
    other.at(t, 'login', { channel: 'web' }),
    canary.at(t + 1, 'product_opened', { product: 'credit_card', productId: CANARY_PRODUCT, limit: 1500 }),
    canary.at(t + 2, 'card_transaction', { cardId: CANARY_CARD, product: 'credit_card', amount: 42, currency: 'EUR', merchantCategory: '5411', channel: 'pos' }),
    canary.at(t + 3, 'page_view', { channel: 'app', page: '/cards' }),
    canary.at(t + 4, 'consent_changed', {
      consentId: 'cons-9',
      purpose: 'marketing',
      status: 'given',
      method: 'app',
      capturedAt: new Date(t).toISOString(),
      noticeId: 'privacy-notice',
      noticeVersion: '1.0',
      evidenceRef: 'ev-9',
    }),
    other.at(t + 5, 'product_opened', { product: 'debit_card', productId: 'other-prod' }),
    canary.at(t + 6, 'customer_erased', { requestId: 'dsr-1', receivedAt: new Date(t).toISOString() }),
  ];
}

/** Every id byte buffer of the store, as text: what a heap dump of them would show. */
function idBuffers(store: PartitionProfileStore): string {
  type Buffers = { index: { ids: { bytes: Uint8Array } }; products: { productIds: { bytes: Uint8Array } }; cards: { cardIds: { bytes: Uint8Array } } };
  const internals = store as unknown as Buffers;
  return [internals.index.ids.bytes, internals.products.productIds.bytes, internals.cards.cardIds.bytes].map((bytes) => Buffer.from(bytes).toString('latin1')).join('|');
}

describe('customer erasure', () => {
  it('forgets the customer: not found, no id in any snapshot taken afterwards or in the id buffers', () => {
    const store = new PartitionProfileStore({ partition: 0, registry });
    const history = canaryHistory();
    asLogged(history.slice(0, -1)).forEach((record) => store.apply(record));
    const before = Buffer.from(encodeSnapshot(store)).toString('latin1');
    for (const canary of CANARIES) expect(before).toContain(canary);

    expect(store.apply({ partition: 0, offset: history.length - 1, event: history[history.length - 1] })).toBe(true);
    expect(profileOf(store, CANARY_CUSTOMER)).toBeUndefined();
    expect(store.customerIds()).toEqual(['other-1']);
    const after = Buffer.from(encodeSnapshot(store)).toString('latin1');
    for (const canary of CANARIES) {
      expect(after).not.toContain(canary);
      expect(idBuffers(store)).not.toContain(canary);
    }
    const restored = decodeSnapshot(encodeSnapshot(store, { compress: true }), registry);
    expect(profileOf(restored, CANARY_CUSTOMER)).toBeUndefined();
    expect(profileAttributes(profileOf(restored, 'other-1')!).products.map((product) => product.productId)).toEqual(['other-prod']);
  });

  it('releases the slot and the rows: sizes shrink, compaction reclaims the id bytes, freed rows are reused', () => {
    const store = new PartitionProfileStore({ partition: 0, registry });
    const history = canaryHistory();
    asLogged(history.slice(0, -1)).forEach((record) => store.apply(record));
    const full = store.sizes();
    store.apply({ partition: 0, offset: history.length, event: history[history.length - 1] });
    expect(store.sizes()).toEqual({ customers: 1, customerIdBytes: 'other-1'.length, products: 1, productIdBytes: 'other-prod'.length, cards: 0, cardIdBytes: 0 });
    expect(full.customers).toBe(2);
    store.compact();
    expect(store.sizes().customerIdBytes).toBe('other-1'.length);
    store.apply({ partition: 0, offset: 100, event: new CustomerEventFactory('newcomer').at(t, 'product_opened', { product: 'savings_account', productId: 'p-new' }) });
    expect(store.products.size).toBe(2);
    expect(profileAttributes(profileOf(store, 'newcomer')!).products[0].productId).toBe('p-new');
  });

  it('a redelivered erasure finds nothing and creates nothing', () => {
    const store = new PartitionProfileStore({ partition: 0, registry });
    const erase = new CustomerEventFactory('ghost').at(t, 'customer_erased', { requestId: 'dsr-2', receivedAt: new Date(t).toISOString() });
    expect(store.apply({ partition: 0, offset: 0, event: erase })).toBe(false);
    expect(store.size).toBe(0);
  });

  it('evolveProfile of an erasure gives the empty profile', () => {
    const events = new CustomerEventFactory('cust-1');
    let state = evolveProfile(initialProfile('cust-1', registry), events.at(t, 'login', { channel: 'app' }), registry);
    state = evolveProfile(state, events.at(t + 1, 'customer_erased', { requestId: 'dsr-3', receivedAt: new Date(t).toISOString() }), registry);
    expect(profileAttributes(state)).toMatchObject({ eventCount: 0, lastEventAtMs: null, lastOffset: -1 });
  });

  it('leaves every other customer exactly as if the erased events had never been logged (property, 300 histories)', () => {
    const histories = loggedHistoryArbitrary(0, { customerIds: ['c-1', 'c-2', 'c-3'], maxEvents: 80, maxDelayMs: DAY_MS });
    fc.assert(
      fc.property(histories, (records) => {
        const store = new PartitionProfileStore({ partition: 0, registry });
        records.forEach((record) => store.apply(record));
        const reference = new PartitionProfileStore({ partition: 0, registry });
        withoutErasedEvents(records).forEach((record) => reference.apply(record));
        const { lastAppliedOffset: _a, ...state } = exportStore(store);
        const { lastAppliedOffset: _b, ...expected } = exportStore(reference);
        expect(state).toEqual(expected);
        const newest = newestEventAt(reference, t);
        expect(featureMatrix(store, registry, [newest, newest + DAY_MS])).toEqual(featureMatrix(reference, registry, [newest, newest + DAY_MS]));
      }),
      { numRuns: 300 },
    );
  });
});

/** The records a store that never saw the erased data would have folded: each customer's events after their last erasure. */
function withoutErasedEvents(records: readonly LoggedEvent[]): LoggedEvent[] {
  const lastErasure = new Map<string, number>();
  records.forEach((record, index) => record.event.type === 'customer_erased' && lastErasure.set(record.event.customerId, index));
  return records.filter((record, index) => record.event.type !== 'customer_erased' && index > (lastErasure.get(record.event.customerId) ?? -1));
}

describe('customer index removal', () => {
  it('stays consistent with a map under any sequence of adds and removals (property)', () => {
    const op = fc.record({ remove: fc.boolean(), id: fc.integer({ min: 0, max: 40 }).map((n) => `c-${n}`) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const index = new CustomerIndex();
        const model = new Set<string>();
        for (const { remove, id } of ops) {
          if (remove) {
            expect(index.remove(id) !== null).toBe(model.delete(id));
          } else if (!model.has(id)) {
            index.add(id);
            model.add(id);
          }
          expect(index.size).toBe(model.size);
        }
        const slots = [...model].map((id) => index.find(id));
        expect(new Set(slots).size).toBe(model.size);
        for (const slot of slots) expect(slot).toBeLessThan(model.size);
        for (const id of model) expect(index.idAt(index.find(id))).toBe(id);
        for (let n = 0; n <= 40; n++) if (!model.has(`c-${n}`)) expect(index.find(`c-${n}`)).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });
});
