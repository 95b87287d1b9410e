/**
 * Churn model: probability that a customer closes the checking account within 30 and within 90 days.
 *
 *   node -r @swc-node/register models/churn/train.ts
 *
 * Deterministic for a backend (default wasm; KAIROS_TF_BACKEND=cpu for plain JavaScript): seeds fix the simulated
 * bank, the validation split, weight initialisation and shuffling.
 */
import { ClassifierSpec } from '@kairos/scoring';
import { SIMULATED_DATA_LIMITATIONS, balanceInput, countInput, recencyInput } from '../shared/model-inputs';
import { runFromCommandLine, trainAndSave } from '../shared/train-and-save';

export const CHURN_SPEC: ClassifierSpec = {
  card: {
    modelId: 'churn',
    version: '1.0.0',
    family: 'churn',
    title: 'Churn risk (30 and 90 days)',
    purposes: ['ai_personalization'],
    intendedUse:
      'Ranks current customers by their risk of closing the checking account, so that next-best-action decisions can offer retention measures (a call, a fee waiver, a better product) before the customer leaves. The 30-day head triggers urgent retention actions; the 90-day head feeds campaign target groups.',
    outOfScope: [
      'Credit, pricing or any decision with legal or similarly significant effect on the customer (GDPR Art. 22).',
      'Customers who objected to profiling: they are not scored.',
      'Customers without an open checking account (the question does not apply).',
    ],
    limitations: [
      ...SIMULATED_DATA_LIMITATIONS,
      'Looking 2–3 months ahead works because most leavers in the simulated bank disengage slowly (activity fading over 2–5 months, salary and rent moved to the new bank and the balance drained, savings and credit card closed weeks before the checking account, complaints and fee or closing pages rising); 10% leave abruptly and are not foreseen. Real leavers may show fewer or other precursors: validate the 90-day head on real outcomes before relying on it beyond campaign target groups.',
      'Scores are calibrated (Platt) on a validation split of the training bank; recalibrate when the churn base rate changes.',
    ],
    fairness: { monitoredGroups: ['age_band', 'gender (where collected, monitoring only)'], note: 'Younger customers churn more often in the simulated bank by construction; compare AUC and calibration by band rather than score levels.' },
  },
  inputs: [
    countInput('card_transactions_count_7d'),
    countInput('card_transactions_count_30d'),
    countInput('card_transactions_count_90d'),
    countInput('logins_count_7d'),
    countInput('logins_count_30d'),
    countInput('logins_count_90d'),
    countInput('page_views_count_7d'),
    countInput('page_views_count_30d'),
    countInput('account_leaving_page_views_count_30d'),
    countInput('complaints_count_30d'),
    countInput('complaints_count_90d'),
    countInput('service_calls_count_30d'),
    countInput('card_spend_sum_30d'),
    countInput('distinct_merchant_categories_30d'),
    recencyInput('last_card_transaction_at'),
    recencyInput('last_login_at'),
    recencyInput('registered_at'),
    balanceInput('checking_balance'),
  ],
  outputs: [
    { name: 'churn_30d', description: 'Probability of closing the checking account within 30 days', label: 'churned_within_30d' },
    { name: 'churn_90d', description: 'Probability of closing the checking account within 90 days', label: 'churned_within_90d' },
  ],
  network: { hiddenUnits: [32, 16], epochs: 30, batchSize: 256, learningRate: 0.003, l2: 1e-5, seed: 42 },
  command: 'node -r @swc-node/register models/churn/train.ts',
};

if (require.main === module) runFromCommandLine(() => trainAndSave(CHURN_SPEC, __dirname));
