import fc from 'fast-check';
import { EVENT_TYPES, GOVERNANCE_EVENT_TYPES } from '@kairos/contracts';
import { defaultFeatureRegistry } from '../features/default-feature-registry';
import { PartitionProfileStore } from '../store/partition-profile-store';
import { DAY_MS, TEST_EPOCH_MS, asLogged, byOccurrence, eventHistoryArbitrary, featureMatrix, newestEventAt } from '../testing';
import { profileAttributes } from './profile-attributes';
import { profileOf } from './profile-state';

const registry = defaultFeatureRegistry();
/** Governance events apply in log order by design (consent, erasure), so occurredAt order is not their reference. */
const CUSTOMER_ACTIVITY = EVENT_TYPES.filter((type) => !GOVERNANCE_EVENT_TYPES.has(type));

describe('late events', () => {
  it('(d) within the tolerance, log order gives the same features and attributes as occurredAt order', () => {
    fc.assert(
      fc.property(eventHistoryArbitrary({ customerIds: ['c-1', 'c-2'], maxEvents: 100, maxDelayMs: registry.lateToleranceMs, types: CUSTOMER_ACTIVITY }), (events) => {
        const logOrder = new PartitionProfileStore({ partition: 0, registry });
        const occurrenceOrder = new PartitionProfileStore({ partition: 0, registry });
        for (const record of asLogged(events)) logOrder.apply(record);
        for (const record of asLogged(byOccurrence(events))) occurrenceOrder.apply(record);

        const newest = newestEventAt(logOrder, TEST_EPOCH_MS);
        const times = [newest, newest + 60_000, newest + 9 * 60_000, newest + DAY_MS, newest + 6 * DAY_MS, newest + 29 * DAY_MS, newest + 89 * DAY_MS];
        expect(featureMatrix(logOrder, registry, times)).toEqual(featureMatrix(occurrenceOrder, registry, times));
        for (const customerId of logOrder.customerIds()) {
          // Where the log put the customer's last record differs by construction; everything else must not.
          const { lastOffset: _a, ...fromLog } = profileAttributes(profileOf(logOrder, customerId)!);
          const { lastOffset: _b, ...fromOccurrence } = profileAttributes(profileOf(occurrenceOrder, customerId)!);
          expect(fromLog).toEqual(fromOccurrence);
          expect(fromLog.lateBeyondTolerance).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
