/**
 * Activity model: probability that a customer initiates anything (card payment, login, page view, call,
 * complaint) in the next 30 days.
 *
 *   node -r @swc-node/register models/activity/train.ts
 */
import { ClassifierSpec } from '@kairos/scoring';
import { SIMULATED_DATA_LIMITATIONS, balanceInput, countInput, recencyInput } from '../shared/model-inputs';
import { runFromCommandLine, trainAndSave } from '../shared/train-and-save';

export const ACTIVITY_SPEC: ClassifierSpec = {
  card: {
    modelId: 'activity',
    version: '1.0.0',
    family: 'activity',
    title: 'Activity next month',
    purposes: ['ai_personalization'],
    intendedUse:
      'Estimates whether a customer will be active in the next 30 days, for campaign target groups ("activity score") and to pick channels that reach inactive customers (e-mail or letter instead of in-app messages).',
    outOfScope: ['Any decision with legal or similarly significant effect on the customer.', 'Customers who objected to profiling: they are not scored.'],
    limitations: [
      ...SIMULATED_DATA_LIMITATIONS,
      'Almost every simulated customer is active in a month (base rate ≈ 97%); the model mainly separates dormant and leaving customers from the rest, and Brier/ECE are small partly because the base rate is extreme.',
    ],
    fairness: { monitoredGroups: ['age_band', 'gender (where collected, monitoring only)'], note: 'Older customers use digital channels less in the simulated bank; an activity score must not become a proxy for age when selecting who receives offers.' },
  },
  inputs: [
    countInput('card_transactions_count_7d'),
    countInput('card_transactions_count_30d'),
    countInput('card_transactions_count_90d'),
    countInput('logins_count_7d'),
    countInput('logins_count_30d'),
    countInput('logins_count_90d'),
    countInput('page_views_count_30d'),
    countInput('account_leaving_page_views_count_30d'),
    countInput('complaints_count_90d'),
    countInput('service_calls_count_30d'),
    recencyInput('last_card_transaction_at'),
    recencyInput('last_login_at'),
    recencyInput('registered_at'),
    balanceInput('checking_balance'),
  ],
  outputs: [{ name: 'active_30d', description: 'Probability of any self-initiated activity in the next 30 days', label: 'active_within_30d' }],
  network: { hiddenUnits: [16, 8], epochs: 20, batchSize: 256, learningRate: 0.003, l2: 1e-5, seed: 42 },
  command: 'node -r @swc-node/register models/activity/train.ts',
};

if (require.main === module) runFromCommandLine(() => trainAndSave(ACTIVITY_SPEC, __dirname));
