import type { CustomerEvent, EventData, EventType, LoggedEvent } from '@kairos/contracts';

export const DAY_MS = 86_400_000;

/** A fixed epoch for tests: 2024-03-01T00:00:00Z. */
export const TEST_EPOCH_MS = Date.UTC(2024, 2, 1);

/**
 * Builds valid customer events with unique ids for one customer, so example tests read as a story:
 * `events.at(TEST_EPOCH_MS + DAY_MS, 'login', { channel: 'app' })`.
 */
export class CustomerEventFactory {
  private sequence = 0;

  constructor(
    readonly customerId: string,
    private readonly source = 'test-source',
  ) {}

  at<T extends EventType>(occurredAtMs: number, type: T, data: EventData<T>, receivedAtMs = occurredAtMs): CustomerEvent<T> {
    return {
      id: `${this.customerId}-evt-${++this.sequence}`,
      type,
      customerId: this.customerId,
      occurredAt: new Date(occurredAtMs).toISOString(),
      occurredAtMs,
      receivedAtMs,
      source: this.source,
      data,
    };
  }
}

/** Numbers events as consecutive records of one partition, in the order given. */
export function asLogged(events: readonly CustomerEvent[], partition = 0, firstOffset = 0): LoggedEvent[] {
  return events.map((event, index) => ({ partition, offset: firstOffset + index, event }));
}

/** The events ordered by occurredAt; equal times keep their given order (the order a fold breaks ties by). */
export function byOccurrence<T extends { readonly occurredAtMs: number }>(events: readonly T[]): T[] {
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.occurredAtMs - b.event.occurredAtMs || a.index - b.index)
    .map(({ event }) => event);
}
