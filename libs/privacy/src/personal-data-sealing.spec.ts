import { randomBytes } from 'node:crypto';
import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import type { PersonalDataCipher } from '@kairos/audit';
import { CustomerKeyring } from './customer-keyring';
import { parkingKeySubject } from './key-subjects';
import { PersonalDataOpener } from './personal-data-opener';
import { PersonalDataSealer } from './personal-data-sealer';
import { isSealedValue } from './sealed-value';
import { InMemoryCustomerKeyStore } from './testing/in-memory-customer-key-store';

const CANARY = { firstName: 'CanaryVorname-7f3a', lastName: 'CanaryNachname-7f3a', email: 'canary-7f3a@example.org', phone: '+4915550007123', birthDate: '1987-03-14' };

function registered(customerId: string, id = `reg-${customerId}`): CustomerEvent<'customer_registered'> {
  return {
    id,
    type: 'customer_registered',
    customerId,
    occurredAt: '2026-11-01T10:00:00.000Z',
    occurredAtMs: Date.parse('2026-11-01T10:00:00.000Z'),
    receivedAtMs: Date.parse('2026-11-01T10:00:01.000Z'),
    source: 'core-banking',
    data: {
      birthDate: CANARY.birthDate,
      country: 'DE',
      language: 'de',
      firstName: CANARY.firstName,
      lastName: CANARY.lastName,
      contact: { email: CANARY.email, phone: CANARY.phone },
    },
  };
}

function login(customerId: string): CustomerEvent<'login'> {
  return { ...registered(customerId), id: `login-${customerId}`, type: 'login', data: { channel: 'web' } };
}

function erased(customerId: string): CustomerEvent<'customer_erased'> {
  return { ...registered(customerId), id: `erasure-${customerId}`, type: 'customer_erased', data: { requestId: 'dsr-1', receivedAt: '2026-11-23T10:00:00.000Z' } };
}

const logged = (events: CustomerEvent[]): LoggedEvent[] => events.map((event, offset) => ({ partition: 0, offset, event }));

function setUp() {
  const store = new InMemoryCustomerKeyStore();
  const masterKey = randomBytes(32);
  const keyring = new CustomerKeyring(store, masterKey);
  return { store, masterKey, keyring, sealer: new PersonalDataSealer(keyring), opener: new PersonalDataOpener(keyring) };
}

async function sealOne(sealer: PersonalDataSealer, event: CustomerEvent): Promise<CustomerEvent> {
  const [sealed] = await sealer.seal([{ event, subject: event.customerId }]);
  if (!sealed) throw new Error('unexpectedly erased');
  return sealed;
}

describe('sealing personal fields at ingestion and opening them at fold time', () => {
  it('replaces every personal field by a sealed value and leaves the rest as it was', async () => {
    const { sealer, store } = setUp();
    const sealed = (await sealOne(sealer, registered('c-1'))) as CustomerEvent<'customer_registered'>;
    const text = JSON.stringify(sealed);
    for (const value of Object.values(CANARY)) expect(text).not.toContain(value);
    for (const value of [sealed.data.firstName, sealed.data.lastName, sealed.data.contact?.email, sealed.data.contact?.phone, sealed.data.birthDate]) {
      expect(isSealedValue(value)).toBe(true);
    }
    expect({ country: sealed.data.country, language: sealed.data.language, id: sealed.id }).toEqual({ country: 'DE', language: 'de', id: 'reg-c-1' });
    expect(store.keys.size).toBe(1);
    expect(store.keys.get('c-1')?.wrappedKey).toHaveLength(60);
  });

  it('passes events without personal fields through untouched, without a key lookup', async () => {
    const { sealer, opener, store } = setUp();
    const event = login('c-1');
    const [same] = await sealer.seal([{ event, subject: 'c-1' }]);
    expect(same).toBe(event);
    const records = logged([event]);
    await expect(opener.openRecords(records)).resolves.toBe(records);
    expect(store.findCalls).toBe(0);
    expect(store.keys.size).toBe(0);
  });

  it('opens what it sealed, fetching the keys of a whole batch in one query', async () => {
    const { sealer, store, masterKey } = setUp();
    const events = [registered('c-1'), login('c-1'), registered('c-2')];
    const sealed = (await sealer.seal(events.map((event) => ({ event, subject: event.customerId })))) as CustomerEvent[];
    // A fresh keyring over the same store: an empty cache, as in another process.
    const opener = new PersonalDataOpener(new CustomerKeyring(store, masterKey));
    const before = store.findCalls;
    const opened = await opener.openRecords(logged(sealed));
    expect(opened.map((r) => r.event)).toEqual(events);
    expect(store.findCalls - before).toBe(1);
    expect(opener.stats).toEqual({ opened: 10, dropped: 0 });
  });

  it('drops a sealed value moved to another customer or another field, or tampered with', async () => {
    const { sealer, opener } = setUp();
    const one = (await sealOne(sealer, registered('c-1'))) as CustomerEvent<'customer_registered'>;
    const two = (await sealOne(sealer, registered('c-2'))) as CustomerEvent<'customer_registered'>;
    const moved: CustomerEvent<'customer_registered'> = { ...two, data: { ...two.data, firstName: one.data.firstName } };
    const swapped: CustomerEvent<'customer_registered'> = { ...one, data: { ...one.data, firstName: one.data.lastName, lastName: one.data.firstName } };
    const flipped = one.data.contact!.email!.replace(/.(?=.{10}$)/, (c) => (c === 'A' ? 'B' : 'A'));
    const tampered: CustomerEvent<'customer_registered'> = { ...one, data: { ...one.data, contact: { ...one.data.contact, email: flipped } } };
    const [a, b, c] = (await opener.openRecords(logged([moved, swapped, tampered]))).map((r) => r.event as CustomerEvent<'customer_registered'>);
    expect(a.data.firstName).toBeUndefined();
    expect(a.data.lastName).toBe(CANARY.lastName);
    expect([b.data.firstName, b.data.lastName]).toEqual([undefined, undefined]);
    expect(c.data.contact).toEqual({ phone: CANARY.phone });
    expect(c.data.firstName).toBe(CANARY.firstName);
  });

  it('after erasure refuses to seal for the customer and opens nothing of theirs', async () => {
    const { sealer, opener, keyring } = setUp();
    const sealed = await sealOne(sealer, registered('c-1'));
    await keyring.destroy({ customerId: 'c-1', requestId: 'dsr-1', erasedAtMs: 1 });
    await expect(sealer.seal([{ event: registered('c-1'), subject: 'c-1' }, { event: registered('c-2'), subject: 'c-2' }])).resolves.toEqual([null, expect.objectContaining({ customerId: 'c-2' })]);
    await expect(keyring.sealingKey('c-1')).rejects.toMatchObject({ code: 'CUSTOMER_ERASED' });
    const [opened] = await opener.openRecords(logged([sealed]));
    expect(opened.event.data).toEqual({ country: 'DE', language: 'de' });
    expect(opener.stats.dropped).toBe(5);
  });

  it('takes an erasure done by another process into account at the customer_erased record', async () => {
    const { sealer, opener, store, masterKey } = setUp();
    const sealed = await sealOne(sealer, registered('c-1'));
    await opener.openRecords(logged([sealed])); // the key is now cached in this process
    await new CustomerKeyring(store, masterKey).destroy({ customerId: 'c-1', requestId: 'dsr-1', erasedAtMs: 1 });
    const [stillCached] = await opener.openRecords(logged([sealed]));
    expect((stillCached.event as CustomerEvent<'customer_registered'>).data.firstName).toBe(CANARY.firstName);
    // The whole batch holding the customer_erased record reads keys afresh: the events before it in the batch too.
    const [afterErasure] = await opener.openRecords(logged([sealed, erased('c-1')]));
    expect((afterErasure.event as CustomerEvent<'customer_registered'>).data.firstName).toBeUndefined();
  });

  it('re-reads a cached key once it is older than the cache age bound', async () => {
    const store = new InMemoryCustomerKeyStore();
    let now = 0;
    const keyring = new CustomerKeyring(store, randomBytes(32), { cacheTtlMs: 1_000, clock: () => now });
    await keyring.sealingKeys(['c-1']);
    const calls = store.findCalls;
    await keyring.openingKeys(['c-1']);
    expect(store.findCalls).toBe(calls);
    now = 1_001;
    await keyring.openingKeys(['c-1']);
    expect(store.findCalls).toBe(calls + 1);
  });

  it('re-seals a parked event for its customer once the identifier is linked', async () => {
    const { sealer, opener, keyring } = setUp();
    const parkingSubject = parkingKeySubject('cardId', 'card-1');
    const [parked] = await sealer.seal([{ event: registered('c-1'), subject: parkingSubject }]);
    const [released] = await sealer.reseal([{ event: parked!, from: parkingSubject, to: 'c-1' }]);
    expect(JSON.stringify(released)).not.toContain(CANARY.email);
    expect((await opener.openRecords(logged([released!])))[0].event).toEqual(registered('c-1'));
    await keyring.destroy({ customerId: 'c-1', requestId: 'dsr-1', erasedAtMs: 1 });
    await expect(sealer.reseal([{ event: parked!, from: parkingSubject, to: 'c-1' }])).resolves.toEqual([null]);
  });

  it('serves the audit trail as its PersonalDataCipher', async () => {
    const { keyring } = setUp();
    const cipher: PersonalDataCipher = keyring;
    const sealed = await cipher.seal('c-1', 'Hallo CanaryVorname-7f3a');
    expect(sealed).not.toContain('Canary');
    await expect(cipher.open('c-2', sealed)).resolves.toBeNull();
    await expect(cipher.open('c-1', sealed)).resolves.toBe('Hallo CanaryVorname-7f3a');
    await keyring.destroy({ customerId: 'c-1', requestId: 'dsr-1', erasedAtMs: 1 });
    await expect(cipher.open('c-1', sealed)).resolves.toBeNull();
  });
});
