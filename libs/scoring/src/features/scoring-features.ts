import type { EventType } from '@kairos/contracts';
import { DEFAULT_FEATURES, FeatureDefinition, FeaturePurpose, FeatureRegistry, FeatureRegistryOptions, createFeatureRegistry } from '@kairos/profile';

/** Behaviour signals used to personalise offers by model: every one is declared for `ai_personalization`. */
const MODEL_SIGNAL = ['marketing', 'analytics', 'ai_personalization'] as const;
/** Service contacts may inform models and analytics but, like `complaints_count_90d`, not plain marketing rules. */
const SERVICE_SIGNAL = ['service', 'analytics', 'ai_personalization'] as const;

/** Pages a customer reads when weighing to leave: fees, switching service, closing the account. */
const ACCOUNT_LEAVING_PAGES = ['/help/fees', '/help/account-switch', '/account/close', '/settings/fees'];

function eventCount(
  name: string,
  description: string,
  sources: readonly EventType[],
  window: string,
  purposes: readonly FeaturePurpose[],
  filter?: string,
): FeatureDefinition {
  return { name, type: 'number', description, sources, aggregation: 'count', window, purposes, personalData: 'pseudonymous', ...(filter === undefined ? {} : { filter }) };
}

function productPageViews(product: 'credit_card' | 'installment_loan' | 'debit_card', label: string, window: '7d' | '30d'): FeatureDefinition {
  return eventCount(
    `${product}_page_views_count_${window}`,
    `Views of the ${label} product page in the last ${window.slice(0, -1)} days`,
    ['page_view'],
    window,
    MODEL_SIGNAL,
    `data.page == '/products/${product.replace(/_/g, '-')}'`,
  );
}

/**
 * Features the shipped churn, activity and propensity models read, beyond `DEFAULT_FEATURES`: activity over short
 * and long windows (a trend is the ratio of the two), leaving signals, product interest and tenure. They are
 * ordinary registry definitions, so serving folds them exactly as the training datasets do.
 */
export const SCORING_FEATURES: readonly FeatureDefinition[] = [
  eventCount('card_transactions_count_7d', 'Card transactions (credit and debit) in the last 7 days', ['card_transaction'], '7d', MODEL_SIGNAL),
  eventCount('card_transactions_count_90d', 'Card transactions (credit and debit) in the last 90 days', ['card_transaction'], '90d', MODEL_SIGNAL),
  eventCount('logins_count_7d', 'Online or app logins in the last 7 days', ['login'], '7d', MODEL_SIGNAL),
  eventCount('logins_count_90d', 'Online or app logins in the last 90 days', ['login'], '90d', MODEL_SIGNAL),
  eventCount('page_views_count_30d', 'Pages viewed online or in the app in the last 30 days', ['page_view'], '30d', MODEL_SIGNAL),
  eventCount(
    'account_leaving_page_views_count_30d',
    'Views of fee, account-switch and account-closing pages in the last 30 days',
    ['page_view'],
    '30d',
    MODEL_SIGNAL,
    `data.page in [${ACCOUNT_LEAVING_PAGES.map((page) => `'${page}'`).join(', ')}]`,
  ),
  eventCount('complaints_count_30d', 'Complaints filed in the last 30 days', ['complaint_filed'], '30d', SERVICE_SIGNAL),
  eventCount('service_calls_count_30d', 'Calls to the IVR or call center in the last 30 days', ['call_started'], '30d', SERVICE_SIGNAL),
  productPageViews('credit_card', 'credit card', '7d'),
  productPageViews('credit_card', 'credit card', '30d'),
  productPageViews('installment_loan', 'installment loan', '7d'),
  productPageViews('installment_loan', 'installment loan', '30d'),
  productPageViews('debit_card', 'debit card', '7d'),
  productPageViews('debit_card', 'debit card', '30d'),
  {
    name: 'registered_at',
    type: 'timestamp',
    description: 'When the customer registered with the bank (tenure)',
    sources: ['customer_registered'],
    aggregation: 'first',
    window: 'lifetime',
    purposes: MODEL_SIGNAL,
    personalData: 'pseudonymous',
  },
  {
    name: 'checking_balance',
    type: 'number',
    description: 'Newest reported checking account balance (negative when overdrawn)',
    sources: ['balance_changed'],
    filter: "data.product == 'checking_account'",
    value: 'data.balance',
    aggregation: 'last',
    window: 'lifetime',
    purposes: MODEL_SIGNAL,
    personalData: 'pseudonymous',
  },
];

let shared: FeatureRegistry | undefined;

/**
 * `DEFAULT_FEATURES` plus `SCORING_FEATURES`: the registry the shipped models were trained on. A runtime that
 * serves them must fold with a registry containing both (its fingerprint differs from the default's, so switching
 * replays the log once).
 */
export function scoringFeatureRegistry(options?: FeatureRegistryOptions): FeatureRegistry {
  if (options) return createFeatureRegistry([...DEFAULT_FEATURES, ...SCORING_FEATURES], options);
  shared ??= createFeatureRegistry([...DEFAULT_FEATURES, ...SCORING_FEATURES]);
  return shared;
}
