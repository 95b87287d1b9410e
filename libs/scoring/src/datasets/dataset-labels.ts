import type { CustomerEvent, EventType, ProductKind } from '@kairos/contracts';
import { ProfileState, holdsProduct } from '@kairos/profile';

const DAY_MS = 86_400_000;

/**
 * A target observed in the window after a cutoff. A label is true when an event in `[cutoff, cutoff + horizon)`
 * matches, false when none does, and null when the customer is not in the label's population at the cutoff or the
 * window was not fully observed.
 */
export interface LabelDefinition {
  readonly name: string;
  readonly horizonMs: number;
  /** Who the question makes sense for, judged on the profile as of the cutoff (never on later events). */
  eligible(state: ProfileState): boolean;
  matches(event: CustomerEvent): boolean;
}

/** Events the customer initiates; being "active" means at least one of them. */
export const CUSTOMER_INITIATED_EVENT_TYPES: readonly EventType[] = ['card_transaction', 'login', 'page_view', 'atm_pin_failed', 'call_started', 'complaint_filed'];
const INITIATED = new Set<string>(CUSTOMER_INITIATED_EVENT_TYPES);

function closesCheckingAccount(event: CustomerEvent): boolean {
  return event.type === 'product_closed' && (event as CustomerEvent<'product_closed'>).data.product === 'checking_account';
}

const holdsChecking = (state: ProfileState): boolean => holdsProduct(state, 'checking_account');

/** Closes the checking account (leaves the bank) within `days`; asked of customers holding one at the cutoff. */
export function churnedWithin(days: number): LabelDefinition {
  return { name: `churned_within_${days}d`, horizonMs: days * DAY_MS, eligible: holdsChecking, matches: closesCheckingAccount };
}

/** Initiates anything (card use, login, page view, call, complaint) within `days`; asked of current customers. */
export function activeWithin(days: number): LabelDefinition {
  return { name: `active_within_${days}d`, horizonMs: days * DAY_MS, eligible: holdsChecking, matches: (event) => INITIATED.has(event.type) };
}

/** Opens `product` within `days`; asked of current customers who do not hold one at the cutoff. */
export function openedWithin(product: ProductKind, days: number): LabelDefinition {
  return {
    name: `opened_${product}_within_${days}d`,
    horizonMs: days * DAY_MS,
    eligible: (state) => holdsChecking(state) && !holdsProduct(state, product),
    matches: (event) => event.type === 'product_opened' && (event as CustomerEvent<'product_opened'>).data.product === product,
  };
}
