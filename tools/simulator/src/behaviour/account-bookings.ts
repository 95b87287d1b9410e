import { round2 } from '../population/customer-plan';
import { HOUR_MS } from '../time/simulated-time';
import type { AccountState, CustomerRuntime } from './customer-runtime';
import { CustomerDay, localInstant } from './daily-rhythm';

const RENT_DAY = 3;
/** Share of the positive checking balance a leaver moves to the new bank each month once the salary has moved. */
const FUNDS_MOVED_SHARE = 0.5;
const LOAN_DAY = 5;
const LOAN_TERM_MONTHS = 48;

/**
 * Bookings that do not depend on the customer's mood: salary, rent, savings plan, loan instalments. The checking
 * account reports its balance once a day after the nightly booking run, as core banking systems do.
 */
export function bookScheduledPayments(rt: CustomerRuntime, day: CustomerDay): void {
  const plan = rt.plan;
  const checking = rt.checking;
  if (!checking) return;
  // A leaver's salary and rent standing order move to the new bank; on the old payday they move part of what is
  // left over there too.
  const salaryHere = day.dayMs + 12 * HOUR_MS < plan.salaryMovedAtMs;
  if (day.dayOfMonth === plan.payday) {
    if (salaryHere) move(checking, plan.monthlyIncome);
    else if (checking.balance > 0) move(checking, -round2(checking.balance * FUNDS_MOVED_SHARE));
  }
  if (day.dayOfMonth === RENT_DAY && salaryHere && plan.monthlyIncome >= 400) move(checking, -round2(plan.monthlyIncome * 0.35));
  const savings = rt.savings;
  if (savings && day.dayOfMonth === (plan.payday % 28) + 1) {
    move(checking, -plan.monthlySavings);
    move(savings, plan.monthlySavings);
    emitBalance(rt, localInstant(day, 5 + rt.rng.next()), savings, day);
  }
  const loan = rt.loan;
  if (loan && loan.balance > 0 && day.dayOfMonth === LOAN_DAY) {
    const instalment = round2(Math.min(loan.balance, (loan.limit ?? loan.balance) / LOAN_TERM_MONTHS));
    move(checking, -instalment);
    move(loan, -instalment);
    emitBalance(rt, localInstant(day, 5 + rt.rng.next()), loan, day);
  }
}

/** The nightly balance of the checking account, if anything was booked today. */
export function reportCheckingBalance(rt: CustomerRuntime, day: CustomerDay): void {
  const checking = rt.checking;
  if (!checking || !checking.changedToday) return;
  checking.changedToday = false;
  emitBalance(rt, localInstant(day, 23.5 + rt.rng.next() * 0.3), checking, day);
}

function move(account: AccountState, amount: number): void {
  account.balance = round2(account.balance + amount);
  account.changedToday = true;
}

function emitBalance(rt: CustomerRuntime, at: number, account: AccountState, day: CustomerDay): void {
  if (at < day.fromMs || at >= day.untilMs) return;
  const data = account.limit === undefined
    ? { productId: account.productId, product: account.product, balance: account.balance }
    : { productId: account.productId, product: account.product, balance: account.balance, limit: account.limit };
  rt.emit(at, 'balance_changed', 'core-banking', data);
}
