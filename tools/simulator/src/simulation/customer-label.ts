import type { EventType, IncomingEvent } from '@kairos/contracts';
import { SIMULATED_PRODUCTS, SimulatedProductKind } from '../population/simulated-customer';

/** Events a customer initiates; "active" in the labels means at least one of these. */
export const ACTIVITY_EVENT_TYPES: readonly EventType[] = ['card_transaction', 'login', 'page_view', 'atm_pin_failed', 'call_started', 'complaint_filed'];

/**
 * Ground truth per customer, for training and evaluating models. Features must come from events before
 * `observationDate`; the `...Within30Days` and `activeNextMonth` labels describe the 30 days from it (shorter
 * when the simulated period is).
 */
export interface CustomerLabel {
  readonly customerId: string;
  /** Closed the checking account during the simulated period. */
  readonly churned: boolean;
  /** `occurredAt` of that `product_closed` event. */
  readonly churnedAt: string | null;
  readonly observationDate: string;
  readonly churnedWithin30Days: boolean;
  readonly activeNextMonth: boolean;
  readonly openedWithin30Days: Readonly<Record<SimulatedProductKind, boolean>>;
}

const ACTIVITY = new Set<string>(ACTIVITY_EVENT_TYPES);
const PRODUCT_BIT = new Map<string, number>(SIMULATED_PRODUCTS.map((product, i) => [product, 1 << i]));

/** Folds the emitted events of every customer into their labels as they are generated. */
export class LabelTracker {
  private readonly churnedAt: (string | null)[];
  private readonly churnedAtMs: Float64Array;
  private readonly active: Uint8Array;
  private readonly openedMask: Uint8Array;

  constructor(
    private readonly customerIds: readonly string[],
    private readonly observationMs: number,
    private readonly windowEndMs: number,
    private readonly observationDate: string,
  ) {
    const n = customerIds.length;
    this.churnedAt = new Array<string | null>(n).fill(null);
    this.churnedAtMs = new Float64Array(n).fill(Infinity);
    this.active = new Uint8Array(n);
    this.openedMask = new Uint8Array(n);
  }

  observe(customerIndex: number, epochMs: number, event: IncomingEvent): void {
    const inWindow = epochMs >= this.observationMs && epochMs < this.windowEndMs;
    if (inWindow && ACTIVITY.has(event.type)) this.active[customerIndex] = 1;
    else if (event.type === 'product_opened' && inWindow) {
      this.openedMask[customerIndex] |= PRODUCT_BIT.get((event as IncomingEvent<'product_opened'>).data.product) ?? 0;
    } else if (event.type === 'product_closed' && (event as IncomingEvent<'product_closed'>).data.product === 'checking_account') {
      this.churnedAt[customerIndex] = event.occurredAt;
      this.churnedAtMs[customerIndex] = epochMs;
    }
  }

  labels(): CustomerLabel[] {
    return this.customerIds.map((customerId, i) => {
      const opened = {} as Record<SimulatedProductKind, boolean>;
      for (const product of SIMULATED_PRODUCTS) opened[product] = (this.openedMask[i] & PRODUCT_BIT.get(product)!) !== 0;
      const churnedAtMs = this.churnedAtMs[i];
      return {
        customerId,
        churned: this.churnedAt[i] !== null,
        churnedAt: this.churnedAt[i],
        observationDate: this.observationDate,
        churnedWithin30Days: churnedAtMs >= this.observationMs && churnedAtMs < this.windowEndMs,
        activeNextMonth: this.active[i] === 1,
        openedWithin30Days: opened,
      };
    });
  }
}
