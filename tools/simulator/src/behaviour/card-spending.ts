import { dayOf, atLocalTime, round2 } from '../population/customer-plan';
import { DAY_MS, HOUR_MS } from '../time/simulated-time';
import type { CardState, CustomerRuntime } from './customer-runtime';
import { productPage } from './customer-runtime';
import { CustomerDay, InstantBuffer, PURCHASE_HOURS, localInstant } from './daily-rhythm';
import { MERCHANT_CATEGORIES, MerchantCategory, PurchaseChannel } from './merchant-catalog';

/** Issuers authorise a little beyond the limit; that is how a credit card ends up overdrawn (use case 4). */
const OVERLIMIT_TOLERANCE = 1.1;
/** Share of customers who take an installment loan in the weeks after overdrawing their credit card. */
const LOAN_AFTER_OVERDRAFT = 0.35;
const MINIMUM_REPAYMENT = 25;
const purchaseInstants = new InstantBuffer();

/** Card purchases of one day, in time order so that credit card balances run forward. */
export function simulatePurchases(rt: CustomerRuntime, day: CustomerDay): void {
  const plan = rt.plan;
  const weekdayFactor = day.weekday === 6 ? 1.3 : day.weekday === 0 ? 0.55 : 1;
  const count = rt.rng.poisson(plan.txPerDay * day.activity * weekdayFactor);
  if (count === 0) return;
  const instants = purchaseInstants.fill(rt, day, PURCHASE_HOURS, count);
  for (let k = 0; k < instants.length; k++) {
    const at = instants.at(k);
    const card = rt.cardFor(at);
    if (!card) continue;
    const purchase = drawPurchase(rt);
    if (card.product === 'credit_card') {
      if (card.owed + purchase.amount > card.limit * OVERLIMIT_TOLERANCE) continue; // declined: no booking
      card.owed = round2(card.owed + purchase.amount);
    } else if (rt.checking) {
      rt.checking.balance = round2(rt.checking.balance - purchase.amount);
      rt.checking.changedToday = true;
    }
    emitPurchase(rt, at, card.cardId, card.product, purchase);
    if (card.product === 'credit_card') {
      emitCardBalance(rt, at + 2000 + rt.rng.int(20_000), card);
      if (!card.overdrawn && card.owed > card.limit) {
        card.overdrawn = true;
        considerLoan(rt, at, card);
      }
    }
  }
}

/**
 * The first purchase with a credit card opened before the simulation. The balance is not touched: the start
 * balance reported just before the simulation already includes everything that happened before it.
 */
export function reportFirstUse(rt: CustomerRuntime, cardId: string, at: number): void {
  emitPurchase(rt, at, cardId, 'credit_card', drawPurchase(rt));
}

interface Purchase {
  readonly category: MerchantCategory;
  readonly amount: number;
  readonly channel: PurchaseChannel;
}

function drawPurchase(rt: CustomerRuntime): Purchase {
  const plan = rt.plan;
  const category = MERCHANT_CATEGORIES[rt.rng.pickCumulative(plan.mccCumulative)];
  const amount = Math.max(0.5, round2(category.medianAmount * plan.spendLevel * rt.rng.logNormal(0, category.spread)));
  return { category, amount, channel: purchaseChannel(rt, category) };
}

function emitPurchase(rt: CustomerRuntime, at: number, cardId: string, product: 'credit_card' | 'debit_card', purchase: Purchase): void {
  rt.emitCardEvent(at, 'card_transaction', 'card-processing', cardId, {
    cardId,
    product,
    amount: purchase.amount,
    currency: 'EUR',
    merchantCategory: purchase.category.mcc,
    channel: purchase.channel,
  });
}

/** On the statement day each credit card balance is settled from the checking account, in full or in part. */
export function settleCreditCards(rt: CustomerRuntime, day: CustomerDay): void {
  if (day.dayOfMonth !== rt.plan.statementDay) return;
  for (const card of rt.cards) {
    if (card.product !== 'credit_card' || card.closed || card.owed <= 0) continue;
    const at = localInstant(day, 6 + rt.rng.next());
    if (at < day.fromMs || at >= day.untilMs) continue;
    const payment = round2(Math.min(card.owed, Math.max(MINIMUM_REPAYMENT, card.owed * rt.plan.repayShare)));
    card.owed = round2(card.owed - payment);
    if (card.owed <= card.limit) card.overdrawn = false;
    if (rt.checking) {
      rt.checking.balance = round2(rt.checking.balance - payment);
      rt.checking.changedToday = true;
    }
    emitCardBalance(rt, at, card);
  }
}

export function emitCardBalance(rt: CustomerRuntime, at: number, card: CardState): void {
  rt.emit(at, 'balance_changed', 'card-processing', { productId: card.cardId, product: 'credit_card', balance: card.owed, limit: card.limit });
}

function purchaseChannel(rt: CustomerRuntime, category: MerchantCategory): PurchaseChannel {
  const plan = rt.plan;
  if (rt.rng.chance(category.onlineShare * plan.onlineFactor)) return 'ecommerce';
  const r = rt.rng.next();
  if (r < plan.walletShare) return 'wallet';
  if (r < plan.walletShare + plan.contactlessShare) return 'contactless';
  return 'pos';
}

/** Some customers react to an overdrawn card by consolidating the debt into an installment loan. */
function considerLoan(rt: CustomerRuntime, at: number, card: CardState): void {
  if (rt.loan || rt.loanPlanned || !rt.rng.chance(LOAN_AFTER_OVERDRAFT)) return;
  rt.loanPlanned = true;
  const openedAtMs = atLocalTime(rt.rng, rt.plan.zone, dayOf(at) + (2 + rt.rng.int(24)) * DAY_MS, 8, 21);
  const principal = 1000 * Math.ceil((card.owed + 500) / 1000);
  const product = {
    product: 'installment_loan' as const,
    productId: rt.newProductId('loan'),
    openedAtMs,
    limit: principal,
    startBalance: 0,
    initial: false,
    dormant: false,
    intentFromMs: at + HOUR_MS,
  };
  rt.intents.push({ page: productPage('installment_loan'), fromMs: product.intentFromMs, toMs: openedAtMs });
  rt.schedule({ atMs: openedAtMs, kind: 'open', product });
}
