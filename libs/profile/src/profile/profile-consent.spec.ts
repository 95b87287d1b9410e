import fc from 'fast-check';
import { ConsentState, emptyConsentState, evolveConsentState, may } from '@kairos/consent';
import { LoggedEvent } from '@kairos/contracts';
import { defaultFeatureRegistry } from '../features/default-feature-registry';
import { decodeSnapshot, encodeSnapshot } from '../snapshot/snapshot-codec';
import { PartitionProfileStore } from '../store/partition-profile-store';
import { CustomerEventFactory, TEST_EPOCH_MS, asLogged, loggedHistoryArbitrary } from '../testing';
import { consentState } from './profile-consent';
import { evolveProfile, initialProfile, profileOf } from './profile-state';
import { profileView } from './profile-view';

const registry = defaultFeatureRegistry();
const t = TEST_EPOCH_MS;

/** The reference: `evolveConsentState` over the customer's consent events after their last erasure, in log order. */
function referenceConsent(records: readonly LoggedEvent[], customerId: string): ConsentState {
  let state = emptyConsentState();
  for (const { event, offset } of records) {
    if (event.customerId !== customerId) continue;
    if (event.type === 'customer_erased') state = emptyConsentState();
    if (event.type === 'consent_changed') {
      const data = event.data as { purpose: 'marketing'; channel?: 'email'; status: 'given' };
      state = evolveConsentState(state, { purpose: data.purpose, channel: data.channel ?? null, status: data.status, offset });
    }
    if (event.type === 'processing_objected') state = evolveConsentState(state, { scope: (event.data as { scope: 'profiling' }).scope, offset });
  }
  return state;
}

const CONSENT_HEAVY = ['consent_changed', 'consent_changed', 'processing_objected', 'customer_erased', 'login', 'card_transaction'] as const;

describe('consent in the profile fold', () => {
  const events = new CustomerEventFactory('cust-1');
  const consent = (status: 'given' | 'withdrawn' | 'refused', channel?: 'email' | 'sms', purpose: 'marketing' | 'profiling' = 'marketing') =>
    events.at(t, 'consent_changed', {
      consentId: `c-${status}-${channel ?? 'any'}`,
      purpose,
      ...(channel ? { channel } : {}),
      status,
      method: 'app',
      capturedAt: new Date(t).toISOString(),
      noticeId: 'privacy-notice',
      noticeVersion: '2.1',
      evidenceRef: 'ev-1',
    });

  it('applies consent changes in log order, a channel status beside the any-channel one, with the offset of the newest', () => {
    const store = new PartitionProfileStore({ partition: 0, registry });
    [consent('given'), consent('withdrawn', 'email'), events.at(t, 'login', { channel: 'app' })].forEach((event, offset) => store.apply({ partition: 0, offset: 10 + offset, event }));
    const state = consentState(profileOf(store, 'cust-1')!);
    expect(state.purposes.marketing).toMatchObject({ any: 'given', email: 'withdrawn', sms: 'unknown' });
    expect(state.purposes.profiling.any).toBe('unknown');
    expect(state.asOfOffset).toBe(11);
    expect(may(state, 'marketing', 'sms', t).allowed).toBe(true);
    expect(may(state, 'marketing', 'email', t)).toMatchObject({ allowed: false, reason: 'consent_withdrawn:marketing:email' });
  });

  it('a later change wins even if it was captured earlier (the log is the order of wishes)', () => {
    const given = consent('given');
    const refusedEarlier = { ...consent('refused'), occurredAtMs: t - 60_000 };
    const state = [given, refusedEarlier].reduce((profile, event) => evolveProfile(profile, event, registry), initialProfile('cust-1', registry));
    expect(consentState(state).purposes.marketing.any).toBe('refused');
  });

  it('keeps an objection in force with its first offset', () => {
    const store = new PartitionProfileStore({ partition: 0, registry });
    const objection = (requestId: string) => events.at(t, 'processing_objected', { requestId, scope: 'direct_marketing', receivedAt: new Date(t).toISOString() });
    store.apply({ partition: 0, offset: 3, event: objection('dsr-1') });
    store.apply({ partition: 0, offset: 4, event: consent('given') });
    store.apply({ partition: 0, offset: 5, event: objection('dsr-2') });
    const state = consentState(profileOf(store, 'cust-1')!);
    expect(state.objections).toEqual({ direct_marketing: 3, profiling: null });
    expect(state.asOfOffset).toBe(5);
    expect(may(state, 'marketing', 'email', t)).toMatchObject({ allowed: false, reason: 'objected:direct_marketing' });
  });

  it('shows the consent state in the profile view', () => {
    const state = evolveProfile(initialProfile('cust-1', registry), consent('given', 'sms', 'profiling'), registry);
    expect(profileView(state, registry, t).consent.purposes.profiling).toMatchObject({ any: 'unknown', sms: 'given' });
  });

  it('equals the reference fold for any history, also through a snapshot (property, 300 histories)', () => {
    const histories = loggedHistoryArbitrary(0, { customerIds: ['c-1', 'c-2'], maxEvents: 60, types: CONSENT_HEAVY });
    fc.assert(
      fc.property(histories, fc.nat(), (records, cut) => {
        const at = cut % (records.length + 1);
        let store = new PartitionProfileStore({ partition: 0, registry });
        records.slice(0, at).forEach((record) => store.apply(record));
        store = decodeSnapshot(encodeSnapshot(store), registry);
        records.slice(at).forEach((record) => store.apply(record));
        for (const customerId of ['c-1', 'c-2']) {
          const profile = profileOf(store, customerId);
          const erasedLast = [...records].reverse().find((record) => record.event.customerId === customerId)?.event.type === 'customer_erased';
          if (profile === undefined) {
            expect(records.every((record) => record.event.customerId !== customerId) || erasedLast).toBe(true);
            continue;
          }
          expect(consentState(profile)).toEqual(referenceConsent(records, customerId));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('skips a redelivered consent change (same event id)', () => {
    const store = new PartitionProfileStore({ partition: 0, registry });
    const given = consent('given');
    const withdrawn = consent('withdrawn');
    asLogged([given, withdrawn, given]).forEach((record) => store.apply(record));
    expect(consentState(profileOf(store, 'cust-1')!).purposes.marketing.any).toBe('withdrawn');
  });
});
