import fc from 'fast-check';
import { EVENT_TYPES, GOVERNANCE_EVENT_VALIDATION_POLICY, eventDataSchemas, validateIncomingEvent } from '@kairos/contracts';
import { eventDataArbitrary, eventHistoryArbitrary } from './customer-event.arbitraries';

describe('customer event arbitraries', () => {
  it.each(EVENT_TYPES)('generate %s data the catalog accepts', (type) => {
    fc.assert(
      fc.property(eventDataArbitrary(type), (data) => {
        expect(eventDataSchemas[type].safeParse(data).success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('generate histories of valid events with unique ids and bounded lateness', () => {
    const maxDelayMs = 3_600_000;
    fc.assert(
      fc.property(eventHistoryArbitrary({ customerIds: ['c-1', 'c-2'], maxEvents: 40, maxDelayMs }), (events) => {
        expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
        let newest = -Infinity;
        for (const event of events) {
          const { customerId, occurredAtMs, receivedAtMs, ...incoming } = event;
          const result = validateIncomingEvent({ ...incoming, customerId }, receivedAtMs, GOVERNANCE_EVENT_VALIDATION_POLICY);
          expect(result.ok).toBe(true);
          expect(Date.parse(event.occurredAt)).toBe(occurredAtMs);
          expect(newest - occurredAtMs).toBeLessThanOrEqual(maxDelayMs);
          newest = Math.max(newest, occurredAtMs);
        }
      }),
      { numRuns: 100 },
    );
  });
});
