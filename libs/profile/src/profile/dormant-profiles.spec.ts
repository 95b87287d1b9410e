import { defaultFeatureRegistry } from '../features/default-feature-registry';
import { PartitionProfileStore } from '../store/partition-profile-store';
import { CustomerEventFactory, DAY_MS, TEST_EPOCH_MS, asLogged } from '../testing';
import { dormantProfiles } from './dormant-profiles';

const t = TEST_EPOCH_MS;

function consentChanged(events: CustomerEventFactory, status: 'given' | 'withdrawn' | 'refused', channel?: 'email') {
  return events.at(t, 'consent_changed', {
    consentId: `consent-${events.customerId}`,
    purpose: 'marketing',
    status,
    method: 'app',
    capturedAt: new Date(t).toISOString(),
    noticeId: 'privacy-notice',
    noticeVersion: '1.0',
    evidenceRef: `ev-${events.customerId}`,
    ...(channel ? { channel } : {}),
  });
}

describe('dormantProfiles', () => {
  it('finds customers whose newest event is before the cutoff, holding back those a withdrawal, refusal or objection protects', () => {
    const store = new PartitionProfileStore({ partition: 0, registry: defaultFeatureRegistry() });
    const factories = new Map<string, CustomerEventFactory>();
    const of = (customerId: string) => factories.get(customerId) ?? factories.set(customerId, new CustomerEventFactory(customerId)).get(customerId)!;
    const events = [
      of('dormant').at(t, 'login', { channel: 'web' }),
      of('active').at(t, 'login', { channel: 'web' }),
      of('active').at(t + 400 * DAY_MS, 'login', { channel: 'app' }),
      // Late: an old event folded after a recent one leaves the customer active.
      of('late').at(t + 400 * DAY_MS, 'login', { channel: 'web' }),
      of('late').at(t, 'login', { channel: 'web' }),
      consentChanged(of('given'), 'given'),
      consentChanged(of('withdrawn'), 'withdrawn', 'email'),
      consentChanged(of('refused'), 'refused'),
      of('objector').at(t, 'processing_objected', { requestId: 'obj-1', scope: 'profiling', receivedAt: new Date(t).toISOString() }),
    ];
    for (const logged of asLogged(events)) store.apply(logged);

    const found = dormantProfiles(store, t + 100 * DAY_MS);
    expect([...found.customerIds].sort()).toEqual(['dormant', 'given']);
    expect(found.heldForConsent).toBe(3);
    // The cutoff itself is not "before": an event exactly at it keeps the customer.
    expect(dormantProfiles(store, t)).toEqual({ customerIds: [], heldForConsent: 0 });
  });
});
