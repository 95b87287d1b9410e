import type { CustomerEvent, IncomingEvent } from '@kairos/contracts';
import { IdentifierRef, IdentityRepository, identifierRefs } from '@kairos/persistence';

/** An accepted event whose customer is known, or one that must wait for a link. */
export type Binding = { readonly kind: 'bound'; readonly event: CustomerEvent } | { readonly kind: 'unbound'; readonly event: IncomingEvent & { receivedAtMs: number; occurredAtMs: number }; readonly ref: IdentifierRef };

/**
 * Binds events to customers. An event that names both its customer id and identifiers teaches the links; an event
 * with identifiers only is bound through them or parked. Known links are cached: most events carry no identifiers
 * and those that do mostly repeat links already learnt, so the hot path rarely touches the database.
 */
export class IdentityResolver {
  private readonly known = new Map<string, string>();

  constructor(private readonly identities: IdentityRepository, private readonly cacheLimit = 200_000) {}

  async bind(event: IncomingEvent, occurredAtMs: number, receivedAtMs: number): Promise<Binding> {
    const refs = identifierRefs(event.identifiers);
    if (event.customerId !== undefined) {
      const fresh = refs.filter((ref) => this.known.get(key(ref)) !== event.customerId);
      if (fresh.length > 0) {
        await this.identities.link(event.customerId, fresh, receivedAtMs);
        for (const ref of fresh) this.remember(ref, (await this.identities.resolve([ref])) ?? event.customerId);
      }
      return { kind: 'bound', event: { ...event, customerId: event.customerId, occurredAtMs, receivedAtMs } };
    }
    for (const ref of refs) {
      const cached = this.known.get(key(ref)) ?? (await this.identities.resolve([ref]));
      if (cached) {
        this.remember(ref, cached);
        return { kind: 'bound', event: { ...event, customerId: cached, occurredAtMs, receivedAtMs } };
      }
    }
    return { kind: 'unbound', event: { ...event, occurredAtMs, receivedAtMs }, ref: refs[0] };
  }

  /** Identifiers the bound events of a batch carried: parked events waiting for them can now be released. */
  static linkedRefs(events: readonly CustomerEvent[]): IdentifierRef[] {
    const refs: IdentifierRef[] = [];
    // Most events carry no identifiers: skipped without the per-event array a flatMap would allocate.
    for (const event of events) if (event.identifiers !== undefined) refs.push(...identifierRefs(event.identifiers));
    return refs;
  }

  private remember(ref: IdentifierRef, customerId: string): void {
    if (this.known.size >= this.cacheLimit) this.known.clear();
    this.known.set(key(ref), customerId);
  }
}

function key(ref: IdentifierRef): string {
  return `${ref.kind}\u0000${ref.value}`;
}
