import type { EventData, EventType, IncomingEvent } from '@kairos/contracts';
import type { CustomerPlan, PlannedProduct } from '../population/customer-plan';
import { eventIdFor, productTokenFor } from '../population/simulated-identifiers';
import { SeededRandom } from '../random/seeded-random';
import type { ResolvedSimulationOptions } from '../simulation/simulation-options';
import { formatInstant, utcOffsetMinutes } from '../time/simulated-time';

/** Receives every generated event with its instant, in generation order (not yet sorted by time). */
export interface EventSink {
  accept(customerIndex: number, epochMs: number, event: IncomingEvent): void;
}

export interface CardState {
  readonly cardId: string;
  readonly product: 'credit_card' | 'debit_card';
  readonly openedAtMs: number;
  readonly limit: number;
  readonly dormant: boolean;
  /** Amount owed on a credit card. */
  owed: number;
  overdrawn: boolean;
  /** Lock periods as [from, until) pairs; a card is often locked later on a day whose purchases were drawn first. */
  locks: number[];
  closed: boolean;
}

export interface AccountState {
  readonly productId: string;
  readonly product: 'checking_account' | 'savings_account' | 'installment_loan';
  readonly limit?: number;
  /** Funds for accounts; the outstanding principal for a loan. */
  balance: number;
  changedToday: boolean;
}

/** Something due at a fixed instant: registration, a product opening, an automatic card unlock. */
export type AgendaItem =
  | { readonly atMs: number; readonly kind: 'register' }
  | { readonly atMs: number; readonly kind: 'open'; readonly product: PlannedProduct }
  | { readonly atMs: number; readonly kind: 'unlock'; readonly card: CardState };

export interface ProductIntent {
  readonly page: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** One customer's mutable state during one run of the simulation. */
export class CustomerRuntime {
  readonly rng: SeededRandom;
  readonly customerId: string;
  readonly cards: CardState[] = [];
  checking: AccountState | null = null;
  savings: AccountState | null = null;
  loan: AccountState | null = null;
  registered = false;
  closed = false;
  loanPlanned = false;
  nextProductOrdinal: number;
  readonly agenda: AgendaItem[] = [];
  readonly intents: ProductIntent[] = [];
  private sequence = 0;
  /** `eventIdFor` up to the sequence number, built once: ids are made for every event. */
  private readonly eventIdPrefix: string;

  constructor(
    readonly plan: CustomerPlan,
    private readonly options: ResolvedSimulationOptions,
    private readonly sink: EventSink,
  ) {
    this.rng = new SeededRandom(options.seed, plan.index * 2 + 1);
    this.customerId = plan.customer.customerId;
    this.eventIdPrefix = eventIdFor(options.seed, plan.index, 0).slice(0, -1);
    this.nextProductOrdinal = plan.nextProductOrdinal;
    if (plan.browseProduct) this.intents.push({ page: productPage(plan.browseProduct), fromMs: plan.browseFromMs, toMs: plan.browseToMs });
    for (const product of plan.products) {
      if (product.intentFromMs > 0) this.intents.push({ page: productPage(product.product), fromMs: product.intentFromMs, toMs: product.openedAtMs });
    }
  }

  /** Keeps the agenda sorted; items are few, so insertion is cheaper than a heap. */
  schedule(item: AgendaItem): void {
    let i = this.agenda.length;
    while (i > 0 && this.agenda[i - 1].atMs > item.atMs) i--;
    this.agenda.splice(i, 0, item);
  }

  emit<T extends EventType>(epochMs: number, type: T, source: string, data: EventData<T>): void {
    const event: IncomingEvent<T> = {
      id: this.eventIdPrefix + this.sequence++,
      type,
      customerId: this.customerId,
      occurredAt: formatInstant(epochMs, utcOffsetMinutes(this.plan.zone, epochMs)),
      source,
      data,
    };
    this.sink.accept(this.plan.index, epochMs, event);
  }

  /** A fresh product token for a product opened in reaction to the simulated behaviour. */
  newProductId(prefix: string): string {
    return productTokenFor(prefix, this.options.seed, this.plan.index, this.nextProductOrdinal++);
  }

  /** Card events name the customer by card token only when the options say the card processor does not know them. */
  emitCardEvent<T extends 'card_transaction' | 'atm_pin_failed' | 'card_locked' | 'card_unlocked'>(
    epochMs: number,
    type: T,
    source: string,
    cardId: string,
    data: EventData<T>,
  ): void {
    if (this.options.cardEventsIdentifiedBy === 'customerId') {
      this.emit(epochMs, type, source, data);
      return;
    }
    const event: IncomingEvent<T> = {
      id: this.eventIdPrefix + this.sequence++,
      type,
      identifiers: { cardId },
      occurredAt: formatInstant(epochMs, utcOffsetMinutes(this.plan.zone, epochMs)),
      source,
      data,
    };
    this.sink.accept(this.plan.index, epochMs, event);
  }

  /** A card usable for a payment at `epochMs`, preferring the credit card with the customer's usual share. */
  cardFor(epochMs: number, product?: 'credit_card' | 'debit_card'): CardState | null {
    let credit: CardState | null = null;
    let debit: CardState | null = null;
    for (const card of this.cards) {
      if (card.closed || card.dormant || card.openedAtMs > epochMs || isLocked(card, epochMs)) continue;
      if (card.product === 'credit_card') credit = card;
      else debit = card;
    }
    if (product === 'debit_card') return debit;
    if (product === 'credit_card') return credit;
    if (credit && debit) return this.rng.chance(this.plan.creditShare) ? credit : debit;
    return credit ?? debit;
  }
}

export function isLocked(card: CardState, epochMs: number): boolean {
  const locks = card.locks;
  for (let i = 0; i < locks.length; i += 2) if (epochMs >= locks[i] && epochMs < locks[i + 1]) return true;
  return false;
}

/** Forgets lock periods that ended before `epochMs`. */
export function forgetLocksBefore(card: CardState, epochMs: number): void {
  if (card.locks.length === 0) return;
  const kept: number[] = [];
  for (let i = 0; i < card.locks.length; i += 2) if (card.locks[i + 1] >= epochMs) kept.push(card.locks[i], card.locks[i + 1]);
  card.locks = kept;
}

export function productPage(product: string): string {
  return `/products/${product.replace(/_/g, '-')}`;
}
