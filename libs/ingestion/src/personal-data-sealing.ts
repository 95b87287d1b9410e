import { CustomerEvent, formatPath } from '@kairos/contracts';
import { identifierRefs, type IdentifierRef } from '@kairos/persistence';
import { PersonalDataSealer, parkingKeySubject } from '@kairos/privacy';
import type { RejectedEvent } from './ingestion-result';

type ParkedEntry = { readonly event: Omit<CustomerEvent, 'customerId'> & { customerId?: string }; readonly ref: IdentifierRef };

/**
 * Ingestion's hook into crypto-shredding: seals the personal fields of accepted events before the log append or
 * the parking table sees them, and refuses events with personal data for an erased customer (Art. 17). Batches
 * without personal fields pass straight through: no key lookup on the hot path.
 */
export class PersonalDataSealing {
  constructor(private readonly sealer: PersonalDataSealer | null) {}

  async sealBound(
    events: readonly CustomerEvent[],
    positions: readonly number[],
    pathPrefix: readonly PropertyKey[],
    rejected: RejectedEvent[],
  ): Promise<{ events: readonly CustomerEvent[]; refused: number }> {
    if (!this.sealer || !events.some(PersonalDataSealer.needsSealing)) return { events, refused: 0 };
    const sealed = await this.sealer.seal(events.map((event) => ({ event, subject: event.customerId })));
    return this.keepSealed(sealed, positions, pathPrefix, rejected);
  }

  /** Parked events have no customer yet: they are sealed with a key of the identifier they wait for. */
  async sealParked(
    entries: readonly ParkedEntry[],
    positions: readonly number[],
    pathPrefix: readonly PropertyKey[],
    rejected: RejectedEvent[],
  ): Promise<{ events: readonly ParkedEntry[]; refused: number }> {
    if (!this.sealer || !entries.some((entry) => PersonalDataSealer.needsSealing(entry.event))) return { events: entries, refused: 0 };
    const sealed = await this.sealer.seal(entries.map(({ event, ref }) => ({ event, subject: parkingKeySubject(ref.kind, ref.value) })));
    const kept = this.keepSealed(sealed, positions, pathPrefix, rejected);
    const byEvent = new Map(entries.map((entry) => [entry.event.id, entry.ref]));
    return { events: kept.events.map((event) => ({ event, ref: byEvent.get(event.id)! })), refused: kept.refused };
  }

  /** Released parked events, moved from their identifier's key to their customer's; an erased customer's are dropped. */
  async resealReleased(events: readonly CustomerEvent[]): Promise<readonly CustomerEvent[]> {
    if (!this.sealer || !events.some(PersonalDataSealer.needsSealing)) return events;
    const resealed = await this.sealer.reseal(
      events.map((event) => {
        // The identifier it was parked under: the resolver parks under the first identifier of the event.
        const [ref] = identifierRefs(event.identifiers);
        return { event, from: ref ? parkingKeySubject(ref.kind, ref.value) : event.customerId, to: event.customerId };
      }),
    );
    return resealed.filter((event): event is CustomerEvent => event !== null);
  }

  private keepSealed<E>(sealed: readonly (E | null)[], positions: readonly number[], pathPrefix: readonly PropertyKey[], rejected: RejectedEvent[]): { events: E[]; refused: number } {
    const events: E[] = [];
    let refused = 0;
    sealed.forEach((event, i) => {
      if (event) {
        events.push(event);
        return;
      }
      refused++;
      const prefix = pathPrefix.length === 0 ? [] : [...pathPrefix, positions[i]];
      rejected.push({
        index: positions[i],
        issues: [{ path: formatPath([...prefix, 'customerId']), rule: 'customer_erased', message: 'the customer was erased (Art. 17 GDPR); no personal data is accepted for them' }],
      });
    });
    return { events, refused };
  }
}
