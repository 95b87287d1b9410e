import { z } from 'zod';

/** Products a bank holds for a customer. Extend here; every reducer and rule reads this list. */
export const PRODUCT_KINDS = [
  'checking_account',
  'savings_account',
  'credit_card',
  'debit_card',
  'installment_loan',
  'mortgage',
  'depot',
  'insurance',
] as const;

export const productKindSchema = z.enum(PRODUCT_KINDS);
export type ProductKind = z.infer<typeof productKindSchema>;
