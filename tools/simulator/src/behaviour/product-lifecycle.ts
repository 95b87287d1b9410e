import type { PlannedProduct } from '../population/customer-plan';
import { MINUTE_MS } from '../time/simulated-time';
import { emitCardBalance } from './card-spending';
import type { AccountState, CustomerRuntime } from './customer-runtime';

/** Runs everything on the customer's agenda that falls before `untilMs`: registration, openings, app unlocks. */
export function runAgenda(rt: CustomerRuntime, untilMs: number): void {
  while (rt.agenda.length > 0 && rt.agenda[0].atMs < untilMs) {
    const item = rt.agenda.shift()!;
    // A customer who has left opens nothing any more.
    if (item.atMs >= rt.plan.churnAtMs) continue;
    // Nor does one on the way out: the product pages they read stay unanswered.
    if (item.kind === 'open' && !item.product.initial && item.atMs >= rt.plan.declineFromMs) continue;
    switch (item.kind) {
      case 'register':
        registerCustomer(rt, item.atMs);
        break;
      case 'open':
        openProduct(rt, item.product, item.atMs, false);
        break;
      case 'unlock':
        if (!item.card.closed) rt.emitCardEvent(item.atMs, 'card_unlocked', 'mobile-app', item.card.cardId, { cardId: item.card.cardId, via: 'app' });
        break;
      default:
        assertNever(item);
    }
  }
}

export function registerCustomer(rt: CustomerRuntime, atMs: number): void {
  const c = rt.plan.customer;
  rt.registered = true;
  rt.emit(atMs, 'customer_registered', 'core-banking', {
    birthDate: c.birthDate,
    country: c.country,
    language: c.language,
    timeZone: c.timeZone,
    firstName: c.firstName,
    lastName: c.lastName,
    contact: c.phone === undefined ? { email: c.email } : { email: c.email, phone: c.phone },
  });
}

/** Opens a product; `historic` products were opened before the simulation and carry their balance at its start. */
export function openProduct(rt: CustomerRuntime, planned: PlannedProduct, atMs: number, historic: boolean): void {
  const { product, productId, limit } = planned;
  rt.emit(atMs, 'product_opened', 'core-banking', limit === undefined ? { product, productId } : { product, productId, limit });
  switch (product) {
    case 'checking_account':
      rt.checking = account(planned, planned.startBalance);
      break;
    case 'savings_account':
      rt.savings = account(planned, planned.startBalance);
      break;
    case 'installment_loan':
      rt.loan = account(planned, historic ? planned.startBalance : (limit ?? 0));
      if (!historic) consolidateCardDebt(rt, atMs);
      break;
    case 'debit_card':
    case 'credit_card':
      rt.cards.push({
        cardId: productId,
        product,
        openedAtMs: atMs,
        limit: limit ?? 0,
        dormant: planned.dormant,
        owed: planned.startBalance,
        overdrawn: limit !== undefined && planned.startBalance > limit,
        locks: [],
        closed: false,
      });
      break;
    default:
      assertNever(product);
  }
}

/** The balances the bank reported just before the simulation started, so profiles begin with real values. */
export function reportStartBalance(rt: CustomerRuntime, planned: PlannedProduct, atMs: number): void {
  if (planned.product === 'credit_card') {
    const card = rt.cards.find((c) => c.cardId === planned.productId);
    if (card && !card.dormant) emitCardBalance(rt, atMs, card);
    return;
  }
  const state = planned.product === 'checking_account' ? rt.checking : planned.product === 'savings_account' ? rt.savings : planned.product === 'installment_loan' ? rt.loan : null;
  if (!state) return;
  const data = state.limit === undefined
    ? { productId: state.productId, product: state.product, balance: state.balance }
    : { productId: state.productId, product: state.product, balance: state.balance, limit: state.limit };
  rt.emit(atMs, 'balance_changed', 'core-banking', data);
}

/** The customer leaves: cards and savings are closed first, the checking account last (the churn label). */
export function closeAccounts(rt: CustomerRuntime, atMs: number): void {
  let at = atMs - 12 * MINUTE_MS;
  for (const card of rt.cards) {
    if (card.closed) continue;
    card.closed = true;
    rt.emit((at += MINUTE_MS), 'product_closed', 'core-banking', { product: card.product, productId: card.cardId, reason: 'customer_request' });
  }
  if (rt.savings) rt.emit((at += MINUTE_MS), 'product_closed', 'core-banking', { product: 'savings_account', productId: rt.savings.productId, reason: 'customer_request' });
  if (rt.checking) rt.emit(atMs, 'product_closed', 'core-banking', { product: 'checking_account', productId: rt.checking.productId, reason: rt.plan.closeReason });
  rt.closed = true;
}

/**
 * Part-way through leaving, the customer closes the savings account (the funds go to the new bank) and the credit
 * card; the checking account and its debit card stay until the end.
 */
export function closeSecondaryProducts(rt: CustomerRuntime, atMs: number): void {
  let at = atMs;
  for (const card of rt.cards) {
    if (card.closed || card.product !== 'credit_card' || card.openedAtMs >= atMs) continue;
    card.closed = true;
    rt.emit((at += MINUTE_MS), 'product_closed', 'core-banking', { product: card.product, productId: card.cardId, reason: 'customer_request' });
  }
  if (rt.savings) {
    rt.emit((at += MINUTE_MS), 'product_closed', 'core-banking', { product: 'savings_account', productId: rt.savings.productId, reason: 'customer_request' });
    rt.savings = null;
  }
}

/** A loan taken after overdrawing the credit card pays the card off. */
function consolidateCardDebt(rt: CustomerRuntime, atMs: number): void {
  for (const card of rt.cards) {
    if (card.product !== 'credit_card' || card.closed || card.owed <= card.limit * 0.8) continue;
    card.owed = 0;
    card.overdrawn = false;
    emitCardBalance(rt, atMs + MINUTE_MS, card);
  }
}

function account(planned: PlannedProduct, balance: number): AccountState {
  return {
    productId: planned.productId,
    product: planned.product as AccountState['product'],
    ...(planned.limit === undefined ? {} : { limit: planned.limit }),
    balance,
    changedToday: false,
  };
}

function assertNever(value: never): never {
  throw new Error(`unhandled case ${String(value)}`);
}
