import { round2 } from '../population/customer-plan';
import { MINUTE_MS } from '../time/simulated-time';
import type { CardState, CustomerRuntime } from './customer-runtime';
import { ATM_HOURS, CustomerDay, InstantBuffer } from './daily-rhythm';
import { ATM_CASH_MCC } from './merchant-catalog';

const WITHDRAWALS = [20, 50, 50, 100, 100, 100, 150, 200, 200, 300, 400, 500] as const;
/** A PIN-lock sequence lasts at most ~15 minutes; it must finish before the customer's window closes. */
const SEQUENCE_SPAN_MS = 20 * MINUTE_MS;
const UNLOCK_VIA_IVR = 0.8;
const visitInstants = new InstantBuffer();

/**
 * ATM visits with the debit card. Now and then the PIN is mistyped once; customers prone to it mistype it three
 * times within minutes, the card locks, and a minute later they call the hotline (use case 1).
 */
export function simulateAtmVisits(rt: CustomerRuntime, day: CustomerDay): void {
  const count = rt.rng.poisson(rt.plan.atmPerDay * day.activity);
  if (count === 0) return;
  let busyUntil = -1;
  const instants = visitInstants.fill(rt, day, ATM_HOURS, count);
  for (let k = 0; k < instants.length; k++) {
    const at = instants.at(k);
    if (at < busyUntil || at + SEQUENCE_SPAN_MS >= day.untilMs) continue;
    busyUntil = at + SEQUENCE_SPAN_MS;
    const card = rt.cardFor(at, 'debit_card');
    if (!card) continue;
    const atmId = atmIdFor(rt, rt.rng.int(3));
    const r = rt.rng.next();
    if (r < rt.plan.pinLockRisk) lockAfterThreeFailures(rt, at, card, atmId);
    else if (r < rt.plan.pinLockRisk + rt.plan.pinSlipRisk) {
      rt.emitCardEvent(at, 'atm_pin_failed', 'atm-network', card.cardId, { cardId: card.cardId, atmId });
      withdraw(rt, at + 20_000 + rt.rng.int(40_000), card);
    } else withdraw(rt, at, card);
  }
}

function lockAfterThreeFailures(rt: CustomerRuntime, at: number, card: CardState, atmId: string): void {
  let t = at;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) t += 20_000 + rt.rng.int(160_000);
    rt.emitCardEvent(t, 'atm_pin_failed', 'atm-network', card.cardId, { cardId: card.cardId, atmId });
  }
  const lockedAt = t + 500 + rt.rng.int(3000);
  rt.emitCardEvent(lockedAt, 'card_locked', 'card-processing', card.cardId, { cardId: card.cardId, reason: 'pin_attempts_exceeded' });
  const callAt = lockedAt + 40_000 + rt.rng.int(50_000);
  rt.emit(callAt, 'call_started', 'ivr', { channel: 'ivr' });
  if (rt.rng.chance(UNLOCK_VIA_IVR)) {
    // "Press 1 to unlock your card": the IVR already knows about the lock.
    const unlockedAt = callAt + 45_000 + rt.rng.int(120_000);
    card.locks.push(lockedAt, unlockedAt);
    rt.emitCardEvent(unlockedAt, 'card_unlocked', 'ivr', card.cardId, { cardId: card.cardId, via: 'ivr' });
    if (rt.rng.chance(0.6)) withdraw(rt, unlockedAt + 2 * MINUTE_MS + rt.rng.int(4 * MINUTE_MS), card);
  } else {
    // The caller hangs up; the card is unlocked in the app some hours later.
    const unlockedAt = callAt + (3 + rt.rng.int(20)) * 60 * MINUTE_MS;
    card.locks.push(lockedAt, unlockedAt);
    rt.schedule({ atMs: unlockedAt, kind: 'unlock', card });
  }
}

function withdraw(rt: CustomerRuntime, at: number, card: CardState): void {
  const scale = Math.min(1.5, Math.max(0.2, rt.plan.monthlyIncome / 2600));
  const amount = Math.max(20, Math.round((rt.rng.pick(WITHDRAWALS) * scale) / 10) * 10);
  if (rt.checking) {
    rt.checking.balance = round2(rt.checking.balance - amount);
    rt.checking.changedToday = true;
  }
  rt.emitCardEvent(at, 'card_transaction', 'card-processing', card.cardId, {
    cardId: card.cardId,
    product: 'debit_card',
    amount,
    currency: 'EUR',
    merchantCategory: ATM_CASH_MCC,
    channel: 'atm',
  });
}

/** Each customer uses a few ATMs near home. */
function atmIdFor(rt: CustomerRuntime, which: number): string {
  const number = (rt.plan.index * 7919 + which * 104_729) % 5000;
  return `atm-${rt.plan.customer.country.toLowerCase()}-${String(number).padStart(4, '0')}`;
}
