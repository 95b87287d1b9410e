import type { ProductKind } from '@kairos/contracts';
import type { SimulatedTimeZone } from '../time/simulated-time';

/** Products the simulated bank sells (a subset of the catalog's product kinds). */
export const SIMULATED_PRODUCTS = ['checking_account', 'savings_account', 'debit_card', 'credit_card', 'installment_loan'] as const;
export type SimulatedProductKind = (typeof SIMULATED_PRODUCTS)[number] & ProductKind;

export interface SimulatedProduct {
  readonly product: SimulatedProductKind;
  /** Opaque token; for cards it is also the `cardId` of the card's transactions. */
  readonly productId: string;
  readonly openedAt: string;
  /** Credit limit of a credit card, principal of an installment loan. */
  readonly limit?: number;
}

/**
 * The hidden truth behind a customer's behaviour. Models never see these; they are exported so that training
 * and evaluation can be checked against what really drove the events.
 */
export interface CustomerTraits {
  /** Latent probability of leaving within a month; drives declining activity, complaints and the final closure. */
  readonly churnPropensity: number;
  /** When the customer closes the checking account, if that falls within 120 days after the simulated period. */
  readonly plannedChurnAt: string | null;
  /** Multiplier of all self-initiated activity (card use, logins, ATM visits); around 1, dormant customers near 0.02. */
  readonly activityLevel: number;
  /** Relative use of web and app. */
  readonly digitalAffinity: number;
  /** Spends beyond the credit card limit and repays only a small share each month. */
  readonly overspender: boolean;
  /** Holds a credit card that is never used. */
  readonly dormantCreditCard: boolean;
  /** Probability per ATM visit of mistyping the PIN three times. */
  readonly pinLockRisk: number;
}

/** A customer of the simulated bank as registered: fake identity, demographics, and products held at the start. */
export interface SimulatedCustomer {
  readonly customerId: string;
  readonly index: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phone?: string;
  readonly birthDate: string;
  readonly country: string;
  readonly language: 'de' | 'en';
  readonly timeZone: SimulatedTimeZone;
  readonly registeredAt: string;
  /**
   * Products held right after registration, or at the simulation start for customers registered earlier.
   * Products opened or closed later appear only in the events and in the labels.
   */
  readonly products: readonly SimulatedProduct[];
  readonly traits: CustomerTraits;
}
