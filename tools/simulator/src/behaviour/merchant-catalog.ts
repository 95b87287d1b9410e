/** Card channels a purchase can take (the catalog's `card_transaction.channel` minus `atm`). */
export type PurchaseChannel = 'pos' | 'ecommerce' | 'contactless' | 'wallet';

export interface MerchantCategory {
  /** ISO 18245 merchant category code. */
  readonly mcc: string;
  /** Relative frequency in an average customer's card use. */
  readonly weight: number;
  /** Median ticket in EUR and the log-normal spread around it. */
  readonly medianAmount: number;
  readonly spread: number;
  /** Share of purchases in this category made online (the rest are card-present). */
  readonly onlineShare: number;
}

/** Everyday categories of a German retail-bank customer's card use. */
export const MERCHANT_CATEGORIES: readonly MerchantCategory[] = [
  { mcc: '5411', weight: 30, medianAmount: 38, spread: 0.6, onlineShare: 0.03 }, // grocery stores, supermarkets
  { mcc: '5912', weight: 8, medianAmount: 14, spread: 0.6, onlineShare: 0.1 }, // drug stores
  { mcc: '5812', weight: 9, medianAmount: 32, spread: 0.6, onlineShare: 0.02 }, // restaurants
  { mcc: '5814', weight: 8, medianAmount: 9, spread: 0.5, onlineShare: 0.05 }, // fast food
  { mcc: '5541', weight: 7, medianAmount: 55, spread: 0.4, onlineShare: 0 }, // service stations
  { mcc: '4111', weight: 6, medianAmount: 4, spread: 0.7, onlineShare: 0.4 }, // local transit
  { mcc: '5311', weight: 5, medianAmount: 45, spread: 0.8, onlineShare: 0.2 }, // department stores
  { mcc: '5691', weight: 5, medianAmount: 60, spread: 0.7, onlineShare: 0.45 }, // clothing
  { mcc: '5999', weight: 6, medianAmount: 28, spread: 0.9, onlineShare: 0.6 }, // miscellaneous retail (marketplaces)
  { mcc: '5732', weight: 2, medianAmount: 120, spread: 1.0, onlineShare: 0.6 }, // electronics
  { mcc: '4899', weight: 3, medianAmount: 12, spread: 0.3, onlineShare: 1 }, // streaming and cable
  { mcc: '5942', weight: 2, medianAmount: 18, spread: 0.5, onlineShare: 0.5 }, // book stores
  { mcc: '4121', weight: 2, medianAmount: 19, spread: 0.5, onlineShare: 0.3 }, // taxis and ride hailing
  { mcc: '7011', weight: 1, medianAmount: 140, spread: 0.7, onlineShare: 0.8 }, // hotels
  { mcc: '4511', weight: 1, medianAmount: 190, spread: 0.8, onlineShare: 0.95 }, // airlines
  { mcc: '7832', weight: 1.5, medianAmount: 24, spread: 0.4, onlineShare: 0.5 }, // cinemas
  { mcc: '5977', weight: 2, medianAmount: 22, spread: 0.6, onlineShare: 0.35 }, // cosmetics
];

/** Merchant category of an ATM cash withdrawal. */
export const ATM_CASH_MCC = '6011';
