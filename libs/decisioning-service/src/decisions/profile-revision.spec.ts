import { customerEventOf, type IncomingEvent } from '@kairos/contracts';
import { PartitionProfileStore, defaultFeatureRegistry, profileAttributes, profileOf } from '@kairos/profile';
import { profileRevisionOf } from './profile-revision';

const T0 = Date.UTC(2026, 0, 15, 12);

/** The revision a decision caches scores under, read as decisionInputsOf reads it. */
function revisionIn(store: PartitionProfileStore, customerId: string): string {
  const profile = profileOf(store, customerId);
  return profileRevisionOf(profile ? profileAttributes(profile) : null);
}

describe('profileRevisionOf (the key cached scores are valid under)', () => {
  const store = new PartitionProfileStore({ partition: 0, registry: defaultFeatureRegistry() });
  let offset = 0;
  const apply = (id: string, type: string, data: Record<string, unknown>) => {
    const incoming = { id, type, customerId: 'c-1', occurredAt: new Date(T0).toISOString(), source: 'test', data } as unknown as IncomingEvent & { customerId: string };
    store.apply({ partition: 0, offset: offset++, event: customerEventOf(incoming, T0, T0) });
  };

  it('changes with every event applied to the customer, consent changes and objections included, and not otherwise', () => {
    expect(revisionIn(store, 'c-1')).toBe('none');
    const seen = new Set<string>();
    apply('e-1', 'customer_registered', { birthDate: '1980-05-05', country: 'DE', language: 'de' });
    seen.add(revisionIn(store, 'c-1'));
    apply('e-2', 'login', { channel: 'app' });
    seen.add(revisionIn(store, 'c-1'));
    const consent = { purpose: 'ai_personalization', status: 'withdrawn', method: 'app', capturedAt: new Date(T0).toISOString(), noticeId: 'n-1', noticeVersion: '1', evidenceRef: 'ev-1' };
    apply('e-3', 'consent_changed', consent);
    seen.add(revisionIn(store, 'c-1'));
    apply('e-4', 'processing_objected', { scope: 'profiling' });
    const afterObjection = revisionIn(store, 'c-1');
    seen.add(afterObjection);
    expect(seen.size).toBe(4);
    // Another customer's event, and a redelivery of this customer's last one, leave the revision as it was.
    store.apply({ partition: 0, offset: offset++, event: customerEventOf({ id: 'o-1', type: 'login', customerId: 'c-2', occurredAt: new Date(T0).toISOString(), source: 'test', data: { channel: 'app' } } as never, T0, T0) });
    apply('e-4', 'processing_objected', { scope: 'profiling' });
    expect(revisionIn(store, 'c-1')).toBe(afterObjection);
  });
});
