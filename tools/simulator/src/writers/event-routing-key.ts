import type { IncomingEvent } from '@kairos/contracts';

/** The key that keeps one customer's events together: the customer id, or the identifier the event names them by. */
export function routingKeyOf(event: IncomingEvent): string {
  return event.customerId ?? event.identifiers?.cardId ?? event.identifiers?.deviceId ?? event.identifiers?.emailHash ?? event.id;
}
