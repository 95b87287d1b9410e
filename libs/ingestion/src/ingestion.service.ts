import { CompiledEventValidator, CustomerEvent, customerEventOf, EventValidationPolicy, EventValidationResult, IncomingEvent, KairosError, validateIncomingEvent } from '@kairos/contracts';
import type { EventLog } from '@kairos/event-log';
import type { KairosMetrics, Logger } from '@kairos/observability';
import type { IdentityRepository } from '@kairos/persistence';
import type { PersonalDataSealer } from '@kairos/privacy';
import { IdentityResolver } from './identity-resolver';
import type { IngestionResult, RejectedEvent } from './ingestion-result';
import { PersonalDataSealing } from './personal-data-sealing';

export const MAX_EVENTS_PER_REQUEST = 1_000;

const NO_PATH: readonly PropertyKey[] = [];

/**
 * Accepts events from every edge (HTTP, source topic, simulator). Each event of a batch is accepted or rejected
 * on its own; an accepted event is durable (in the log, or parked in the database) before this resolves, and a
 * rejected one leaves no trace but its reason.
 */
export class IngestionService {
  private readonly resolver: IdentityResolver;
  private readonly sealing: PersonalDataSealing;
  private readonly validator = new CompiledEventValidator();

  /**
   * `sealer` seals the personal fields of events (PERSONAL_FIELDS) with the customer's data key before anything is
   * stored; without it events are stored as they came (tests and tools that hold no personal data).
   */
  constructor(
    private readonly log: EventLog,
    private readonly identities: IdentityRepository,
    private readonly metrics: KairosMetrics,
    private readonly logger: Logger,
    private readonly policy: EventValidationPolicy,
    private readonly clock: () => number = Date.now,
    sealer: PersonalDataSealer | null = null,
  ) {
    this.resolver = new IdentityResolver(identities);
    this.sealing = new PersonalDataSealing(sealer);
  }

  async ingest(rawEvents: readonly unknown[], pathPrefix: readonly PropertyKey[] = ['events']): Promise<IngestionResult> {
    if (rawEvents.length > MAX_EVENTS_PER_REQUEST) {
      throw new KairosError('PAYLOAD_TOO_LARGE', `a request may carry at most ${MAX_EVENTS_PER_REQUEST} events`, [
        { path: pathPrefix.join('.') || 'events', rule: 'max_items', message: `at most ${MAX_EVENTS_PER_REQUEST} events per request` },
      ]);
    }
    const receivedAtMs = this.clock();
    const rejected: RejectedEvent[] = [];
    const bound: CustomerEvent[] = [];
    const unbound: Parameters<IdentityRepository['park']>[0][number][] = [];
    // Positions in the request, so an event refused at sealing (erased customer) is reported at its index.
    const boundAt: number[] = [];
    const unboundAt: number[] = [];

    for (let index = 0; index < rawEvents.length; index++) {
      const result = this.validate(rawEvents[index], receivedAtMs, pathPrefix, index);
      if (!result.ok) {
        rejected.push({ index, issues: result.issues });
        this.metrics.eventsRejected.inc({ rule: result.issues[0]?.rule ?? 'unknown' });
        continue;
      }
      const { event } = result;
      if (event.customerId !== undefined && event.identifiers === undefined) {
        // The common case needs no identity lookup: bound directly, without a trip through the resolver.
        bound.push(customerEventOf(event as IncomingEvent & { customerId: string }, result.occurredAtMs, receivedAtMs));
        boundAt.push(index);
        continue;
      }
      const binding = await this.resolver.bind(event, result.occurredAtMs, receivedAtMs);
      if (binding.kind === 'bound') {
        bound.push(binding.event);
        boundAt.push(index);
      } else {
        unbound.push({ event: binding.event, ref: binding.ref });
        unboundAt.push(index);
      }
    }

    // After validation, before anything is stored: personal fields leave this method sealed only.
    const sealedUnbound = await this.sealing.sealParked(unbound, unboundAt, pathPrefix, rejected);
    const sealedBound = await this.sealing.sealBound(bound, boundAt, pathPrefix, rejected);
    const refused = sealedUnbound.refused + sealedBound.refused;
    if (refused > 0) {
      this.metrics.eventsRejected.inc({ rule: 'customer_erased' }, refused);
      rejected.sort((a, b) => a.index - b.index);
    }

    const { parked, parkedDuplicates } = await this.park(sealedUnbound.events);
    const outcomes = await this.log.append(sealedBound.events);
    let accepted = 0;
    for (const outcome of outcomes) if (outcome.status === 'appended') accepted++;
    const duplicates = outcomes.length - accepted + parkedDuplicates;

    await this.releaseParked(IdentityResolver.linkedRefs(sealedBound.events));

    this.metrics.eventsAccepted.inc(accepted + parked);
    this.metrics.eventsDuplicate.inc(duplicates);
    this.metrics.eventsParked.inc(parked);
    return { accepted: accepted + parked, duplicates, parked, rejected };
  }

  /**
   * Validates without building the event's path in its batch; only a rejected event is validated again with it.
   * Validation is a pure function of the event and the clock reading, so the second pass finds the same issues.
   */
  private validate(raw: unknown, receivedAtMs: number, pathPrefix: readonly PropertyKey[], index: number): EventValidationResult {
    const result = this.validator.validate(raw, receivedAtMs, this.policy, NO_PATH);
    if (result.ok || pathPrefix.length === 0) return result;
    return validateIncomingEvent(raw, receivedAtMs, this.policy, [...pathPrefix, index]);
  }

  /** Parks events whose customer is not known yet; ids already parked or already logged count as duplicates. */
  private async park(entries: Parameters<IdentityRepository['park']>[0]): Promise<{ parked: number; parkedDuplicates: number }> {
    if (entries.length === 0) return { parked: 0, parkedDuplicates: 0 };
    const alreadyParked = await this.identities.isParked(entries.map((e) => e.event.id));
    const fresh: (typeof entries)[number][] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      if (alreadyParked.has(entry.event.id) || seen.has(entry.event.id) || (await this.log.locate(entry.event.id))) continue;
      seen.add(entry.event.id);
      fresh.push(entry);
    }
    await this.identities.park(fresh);
    return { parked: fresh.length, parkedDuplicates: entries.length - fresh.length };
  }

  /**
   * Appends the parked events whose identifier just got linked, then removes them from the parking table. A crash
   * between the two leaves them parked; the next release appends them again and the log answers duplicate.
   */
  private async releaseParked(refs: ReturnType<typeof IdentityResolver.linkedRefs>): Promise<void> {
    if (refs.length === 0) return;
    const waiting = await this.identities.parkedFor(refs);
    if (waiting.length === 0) return;
    const released: CustomerEvent[] = [];
    for (const { payload } of waiting) {
      const parkedEvent = JSON.parse(payload) as Omit<CustomerEvent, 'customerId'>;
      const customerId = await this.identities.resolve(IdentityResolver.linkedRefs([parkedEvent as CustomerEvent]));
      if (customerId) released.push({ ...parkedEvent, customerId });
    }
    // Sealed for the identifier while parked; sealed for the customer from now on. An erased customer's are dropped.
    await this.log.append(await this.sealing.resealReleased(released));
    await this.identities.unpark(released.map((event) => event.id));
    this.logger.info({ released: released.length }, 'parked events released after identifier link');
  }
}
