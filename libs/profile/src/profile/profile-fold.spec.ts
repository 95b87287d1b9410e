import { CustomerEvent } from '@kairos/contracts';
import { defaultFeatureRegistry } from '../features/default-feature-registry';
import { encodeSnapshot } from '../snapshot/snapshot-codec';
import { PartitionProfileStore } from '../store/partition-profile-store';
import { CustomerEventFactory, DAY_MS, TEST_EPOCH_MS } from '../testing';
import { age } from './customer-age';
import { profileAttributes } from './profile-attributes';
import { copyProfile } from './profile-copy';
import { exportProfile } from './profile-record';
import { ProfileState, evolveProfile, initialProfile, profileOf } from './profile-state';
import { profileView } from './profile-view';

const registry = defaultFeatureRegistry();
const HOUR_MS = 3_600_000;

function given(events: readonly CustomerEvent[], customerId = 'cust-1'): ProfileState {
  return events.reduce((state, event) => evolveProfile(state, event, registry), initialProfile(customerId, registry));
}

describe('profile fold', () => {
  const events = new CustomerEventFactory('cust-1');
  const t = TEST_EPOCH_MS;

  it('use case 1: three failed PINs lock the card, visible to the IVR a minute later', () => {
    const state = given([
      events.at(t, 'atm_pin_failed', { cardId: 'card-1', atmId: 'atm-9' }),
      events.at(t + 20_000, 'atm_pin_failed', { cardId: 'card-1', atmId: 'atm-9' }),
      events.at(t + 40_000, 'atm_pin_failed', { cardId: 'card-1', atmId: 'atm-9' }),
      events.at(t + 41_000, 'card_locked', { cardId: 'card-1', reason: 'pin_attempts_exceeded' }),
    ]);
    expect(registry.read(state, 'atm_pin_failed_count_10m', t + 100_000)).toBe(3);
    expect(registry.read(state, 'card_locked', t + 100_000)).toBe(true);
    expect(profileAttributes(state).cards).toEqual([{ cardId: 'card-1', product: null, locked: true, lockReason: 'pin_attempts_exceeded', lockChangedAtMs: t + 41_000 }]);
    expect(registry.read(state, 'atm_pin_failed_count_10m', t + 11 * 60_000)).toBe(0);
  });

  it('keeps the newest lock state when an older unlock arrives late, and unlocks on a newer one', () => {
    const lock = events.at(t + 2 * HOUR_MS, 'card_locked', { cardId: 'card-1', reason: 'fraud_suspected' });
    const staleUnlock = events.at(t + HOUR_MS, 'card_unlocked', { cardId: 'card-1', via: 'app' });
    expect(isLocked(given([lock, staleUnlock]))).toBe(true);
    expect(isLocked(given([lock, events.at(t + 3 * HOUR_MS, 'card_unlocked', { cardId: 'card-1', via: 'ivr' })]))).toBe(false);
  });

  it('tracks products: opening, limit and balance by occurrence, closing and reopening', () => {
    const state = given([
      events.at(t, 'product_opened', { product: 'credit_card', productId: 'cc-1', limit: 2000 }),
      events.at(t + 2 * DAY_MS, 'balance_changed', { product: 'credit_card', productId: 'cc-1', balance: -2100, limit: 2500 }),
      events.at(t + DAY_MS, 'balance_changed', { product: 'credit_card', productId: 'cc-1', balance: -50 }),
      events.at(t + 3 * DAY_MS, 'product_opened', { product: 'checking_account', productId: 'ca-1' }),
      events.at(t + 4 * DAY_MS, 'product_closed', { product: 'checking_account', productId: 'ca-1' }),
    ]);
    expect(profileAttributes(state).products).toEqual([
      { productId: 'ca-1', product: 'checking_account', held: false, openedAtMs: t + 3 * DAY_MS, closedAtMs: t + 4 * DAY_MS, limit: null, limitAtMs: null, balance: null, balanceAtMs: null },
      { productId: 'cc-1', product: 'credit_card', held: true, openedAtMs: t, closedAtMs: null, limit: 2500, limitAtMs: t + 2 * DAY_MS, balance: -2100, balanceAtMs: t + 2 * DAY_MS },
    ]);
    expect(registry.read(state, 'credit_card_balance', t + 5 * DAY_MS)).toBe(-2100);
    expect(registry.read(state, 'credit_card_limit', t + 5 * DAY_MS)).toBe(2500);
    expect(registry.read(state, 'holds_checking_account', t + 5 * DAY_MS)).toBe(false);
    const reopened = evolveProfile(state, events.at(t + 5 * DAY_MS, 'product_opened', { product: 'checking_account', productId: 'ca-1' }), registry);
    expect(registry.read(reopened, 'holds_checking_account', t + 5 * DAY_MS)).toBe(true);
  });

  it('use case 2: a credit card unused 30 days after signing shows as opened with no transactions', () => {
    const state = given([events.at(t, 'product_opened', { product: 'credit_card', productId: 'cc-1', limit: 1000 })]);
    const at = t + 30 * DAY_MS;
    expect(registry.read(state, 'credit_card_opened_at', at)).toBe(t);
    expect(registry.read(state, 'credit_card_transactions_count_30d', at)).toBe(0);
    expect(registry.read(state, 'first_credit_card_transaction_at', at)).toBeNull();
  });

  it('use case 3: age turns 18 at local midnight of the birthday, in the registered time zone', () => {
    const state = given([events.at(t, 'customer_registered', { birthDate: '2006-03-15', country: 'DE', language: 'de', timeZone: 'Europe/Berlin' })]);
    const utcMidnight = Date.UTC(2024, 2, 15);
    expect(age(state, utcMidnight - HOUR_MS - 1)).toBe(17);
    expect(age(state, utcMidnight - HOUR_MS)).toBe(18); // 00:00 in Berlin (UTC+1 in March)
    expect(age(state, utcMidnight - HOUR_MS, 'UTC')).toBe(17);
    expect(registry.read(state, 'age', utcMidnight)).toBe(18);
    const leapling = given([events.at(t, 'customer_registered', { birthDate: '2004-02-29', country: 'DE', language: 'de' })]);
    expect(age(leapling, Date.UTC(2022, 1, 28))).toBe(17);
    expect(age(leapling, Date.UTC(2022, 2, 1))).toBe(18);
    expect(age(initialProfile('nobody', registry), t)).toBeNull();
  });

  it('a late, older registration does not overwrite a newer one', () => {
    const state = given([
      events.at(t + DAY_MS, 'customer_registered', { birthDate: '1990-01-01', country: 'AT', language: 'de' }),
      events.at(t, 'customer_registered', { birthDate: '1990-01-01', country: 'DE', language: 'en', timeZone: 'Europe/Berlin' }),
    ]);
    expect(profileAttributes(state)).toMatchObject({ country: 'AT', language: 'de', timeZone: null });
  });

  it('keeps no names or contact data: not in the state, the view or the snapshot', () => {
    const state = given([
      events.at(t, 'customer_registered', {
        birthDate: '1980-07-01',
        country: 'DE',
        language: 'de',
        firstName: 'Canaryfirst',
        lastName: 'Canarylast',
        contact: { email: 'canary@example.org', phone: '+4915112345678' },
      }),
    ]);
    const everything = JSON.stringify([exportProfile(state), profileView(state, registry, t)]) + Buffer.from(encodeSnapshot(state.store)).toString('latin1');
    for (const canary of ['Canaryfirst', 'Canarylast', 'canary@example.org', '4915112345678']) expect(everything).not.toContain(canary);
  });

  it('counts events beyond the lateness tolerance in lifetime aggregates only', () => {
    const state = given([
      events.at(t + 10 * DAY_MS, 'card_transaction', { cardId: 'card-1', product: 'debit_card', amount: 10, currency: 'EUR', merchantCategory: '5411', channel: 'pos' }),
      events.at(t + 9 * DAY_MS - 1, 'card_transaction', { cardId: 'card-1', product: 'debit_card', amount: 20, currency: 'EUR', merchantCategory: '5812', channel: 'pos' }),
      events.at(t + 9 * DAY_MS + 1, 'card_transaction', { cardId: 'card-1', product: 'debit_card', amount: 40, currency: 'EUR', merchantCategory: '5999', channel: 'pos' }),
    ]);
    const at = t + 10 * DAY_MS;
    expect(registry.read(state, 'card_transactions_count_lifetime', at)).toBe(3);
    expect(registry.read(state, 'card_transactions_count_30d', at)).toBe(2);
    expect(registry.read(state, 'card_spend_sum_30d', at)).toBe(50);
    expect(registry.read(state, 'distinct_merchant_categories_30d', at)).toBe(2);
    expect(profileAttributes(state).lateBeyondTolerance).toBe(1);
  });

  it('does not let a late event overwrite a newer last value', () => {
    const state = given([events.at(t + HOUR_MS, 'login', { channel: 'app' }), events.at(t, 'login', { channel: 'web' })]);
    expect(registry.read(state, 'last_login_channel', t + HOUR_MS)).toBe('app');
    expect(registry.read(state, 'last_login_at', t + HOUR_MS)).toBe(t + HOUR_MS);
    expect(registry.read(state, 'logins_count_30d', t + HOUR_MS)).toBe(2);
  });

  it('evolves in place; copyProfile gives an independent copy', () => {
    const state = given([events.at(t, 'login', { channel: 'app' })]);
    const copy = copyProfile(state);
    expect(exportProfile(copy)).toEqual(exportProfile(state));
    evolveProfile(state, events.at(t + 1, 'login', { channel: 'web' }), registry);
    expect(registry.read(state, 'logins_count_30d', t + 1)).toBe(2);
    expect(registry.read(copy, 'logins_count_30d', t + 1)).toBe(1);
  });

  it('refuses an event of another customer', () => {
    const state = initialProfile('cust-1', registry);
    expect(() => evolveProfile(state, new CustomerEventFactory('cust-2').at(t, 'login', { channel: 'app' }), registry)).toThrow('another customer');
  });

  it('renders the API view as JSON with ISO timestamps', () => {
    const state = given([events.at(t, 'login', { channel: 'app' })]);
    const view = profileView(state, registry, t + 1000);
    expect(view).toMatchObject({ customerId: 'cust-1', asOf: new Date(t + 1000).toISOString(), features: { last_login_at: new Date(t).toISOString(), logins_count_30d: 1 } });
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    expect(Object.keys(view.features)).toEqual(registry.names);
  });
});

describe('partition profile store', () => {
  const t = TEST_EPOCH_MS;

  it('applies each offset once, keeps customers apart and records per-customer offsets', () => {
    const store = new PartitionProfileStore({ partition: 3, registry });
    const a = new CustomerEventFactory('a').at(t, 'login', { channel: 'app' });
    const b = new CustomerEventFactory('b').at(t, 'page_view', { channel: 'web', page: '/' });
    expect(store.apply({ partition: 3, offset: 10, event: a })).toBe(true);
    expect(store.apply({ partition: 3, offset: 11, event: b })).toBe(true);
    expect(store.apply({ partition: 3, offset: 10, event: a })).toBe(false);
    expect(store.apply({ partition: 3, offset: 11, event: a })).toBe(false);
    expect(store.lastAppliedOffset).toBe(11);
    expect(registry.read(profileOf(store, 'a')!, 'logins_count_30d', t)).toBe(1);
    expect(registry.read(profileOf(store, 'b')!, 'logins_count_30d', t)).toBe(0);
    expect(profileAttributes(profileOf(store, 'b')!)).toMatchObject({ lastOffset: 11, eventCount: 1 });
    expect(profileOf(store, 'c')).toBeUndefined();
    expect(() => store.apply({ partition: 4, offset: 12, event: a })).toThrow('partition 4');
  });
});

describe('redelivered events', () => {
  it('applies an event once even when the log holds it twice, and evolveProfile is idempotent for it', () => {
    const events = new CustomerEventFactory('a');
    const store = new PartitionProfileStore({ partition: 0, registry });
    const login = events.at(TEST_EPOCH_MS, 'login', { channel: 'app' });
    const others = [1, 2, 3].map((n) => events.at(TEST_EPOCH_MS + n, 'page_view', { channel: 'app', page: '/' }));
    const outcomes = [login, login, ...others, login].map((event, offset) => store.apply({ partition: 0, offset, event }));
    expect(outcomes).toEqual([true, false, true, true, true, false]);
    expect(store.duplicatesSkipped).toBe(2);
    expect(store.lastAppliedOffset).toBe(5);
    const state = profileOf(store, 'a')!;
    expect(registry.read(state, 'logins_count_30d', TEST_EPOCH_MS + 3)).toBe(1);
    expect(profileAttributes(evolveProfile(state, login, registry)).eventCount).toBe(4);
  });
});

function isLocked(state: ProfileState): boolean {
  return registry.read(state, 'card_locked', TEST_EPOCH_MS) as boolean;
}
