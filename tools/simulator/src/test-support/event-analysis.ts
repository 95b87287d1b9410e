import type { IncomingEvent } from '@kairos/contracts';

// Helpers for the simulator's own specs: they read the generated events the way a consumer would.

export interface TimedEvent {
  readonly at: number;
  readonly event: IncomingEvent;
}

/** Events per customer (by customerId, or by the card a card-only event names), each list in time order. */
export function eventsByCustomer(events: readonly IncomingEvent[], cardOwners: ReadonlyMap<string, string> = new Map()): Map<string, TimedEvent[]> {
  const out = new Map<string, TimedEvent[]>();
  for (const event of events) {
    const customerId = event.customerId ?? cardOwners.get(event.identifiers?.cardId ?? '');
    if (customerId === undefined) throw new Error(`event ${event.id} names no known customer`);
    let list = out.get(customerId);
    if (!list) out.set(customerId, (list = []));
    list.push({ at: Date.parse(event.occurredAt), event });
  }
  return out;
}

export function dataOf<T extends IncomingEvent['type']>(event: IncomingEvent, _type: T): IncomingEvent<T>['data'] {
  return event.data as IncomingEvent<T>['data'];
}

/** Area under the ROC curve of `scores` for binary `positives` (ties count half). */
export function rocAuc(scores: readonly number[], positives: readonly boolean[]): number {
  const order = scores.map((score, i) => ({ score, positive: positives[i] })).sort((a, b) => a.score - b.score);
  let rankSumPositive = 0;
  let positiveCount = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j].score === order[i].score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (order[k].positive) {
        rankSumPositive += averageRank;
        positiveCount++;
      }
    }
    i = j;
  }
  const negativeCount = order.length - positiveCount;
  return (rankSumPositive - (positiveCount * (positiveCount + 1)) / 2) / (positiveCount * negativeCount);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
