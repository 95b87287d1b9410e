/**
 * Product propensity: one network with a head per product (credit card, installment loan, debit card), each the
 * probability of opening that product within 30 days. A head learns only from customers who do not hold its
 * product at the cutoff (masked loss), which is also the population it is meant for.
 *
 *   node -r @swc-node/register models/propensity/train.ts
 */
import { ClassifierSpec } from '@kairos/scoring';
import { SIMULATED_DATA_LIMITATIONS, balanceInput, countInput, recencyInput } from '../shared/model-inputs';
import { runFromCommandLine, trainAndSave } from '../shared/train-and-save';

export const PROPENSITY_SPEC: ClassifierSpec = {
  card: {
    modelId: 'propensity',
    version: '1.0.0',
    family: 'propensity',
    title: 'Product propensity (credit card, installment loan, debit card)',
    purposes: ['ai_personalization'],
    intendedUse:
      'Ranks which product to recommend next (use cases 3 and 4: a first credit card, an installment loan or a debit card) in next-best-action arbitration. A head is meaningful only for customers who do not hold its product; decision rules exclude holders.',
    outOfScope: [
      'Credit decisions: a high installment-loan propensity says nothing about creditworthiness and must never replace a credit check.',
      'Customers who objected to profiling: they are not scored.',
      'Customers who already hold the product of a head.',
    ],
    limitations: [
      ...SIMULATED_DATA_LIMITATIONS,
      'The strongest signal is the customer looking at the product page; customers who buy without browsing (or who do not use online banking) are hard to rank.',
      'Installment-loan openings are rare (well under 1% a month), so that head rests on a few hundred positives; its figures have wide uncertainty.',
      'Credit card balance and limit are not inputs: the feature registry does not declare them for ai_personalization, so overdrawn cards (use case 4) reach this model only through browsing behaviour.',
    ],
    fairness: { monitoredGroups: ['age_band', 'gender (where collected, monitoring only)'], note: 'New adults (18–24) are the main credit-card audience of use case 3; check calibration for that band.' },
  },
  inputs: [
    countInput('credit_card_page_views_count_7d'),
    countInput('credit_card_page_views_count_30d'),
    countInput('installment_loan_page_views_count_7d'),
    countInput('installment_loan_page_views_count_30d'),
    countInput('debit_card_page_views_count_7d'),
    countInput('debit_card_page_views_count_30d'),
    countInput('logins_count_30d'),
    countInput('page_views_count_30d'),
    countInput('card_transactions_count_30d'),
    countInput('credit_card_transactions_count_30d'),
    countInput('card_spend_sum_30d'),
    recencyInput('last_login_at'),
    recencyInput('registered_at'),
    balanceInput('checking_balance'),
  ],
  outputs: [
    { name: 'credit_card', description: 'Probability of opening a credit card within 30 days', label: 'opened_credit_card_within_30d' },
    { name: 'installment_loan', description: 'Probability of opening an installment loan within 30 days', label: 'opened_installment_loan_within_30d' },
    { name: 'debit_card', description: 'Probability of opening a debit card within 30 days', label: 'opened_debit_card_within_30d' },
  ],
  network: { hiddenUnits: [32, 16], epochs: 30, batchSize: 256, learningRate: 0.003, l2: 1e-5, seed: 42 },
  command: 'node -r @swc-node/register models/propensity/train.ts',
};

if (require.main === module) runFromCommandLine(() => trainAndSave(PROPENSITY_SPEC, __dirname));
