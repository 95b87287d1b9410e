import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DatasetRow,
  activeWithin,
  buildPointInTimeDataset,
  churnedWithin,
  openedWithin,
  readDatasetNdjson,
  scoringFeatureRegistry,
  writeDatasetNdjson,
} from '@kairos/scoring';
import { BankSimulation } from '@kairos/simulator';

const DAY_MS = 86_400_000;

/**
 * The synthetic populations every shipped model is trained and evaluated on. Two independent banks: one to train
 * (split by customer into training and validation), one held out for the figures in the model cards.
 */
export const SIMULATED_BANKS = {
  training: { seed: 1001, customers: 24_000, days: 210, startDate: '2025-01-06', cutoffDays: [90, 120, 150, 180] },
  holdout: { seed: 2002, customers: 10_000, days: 210, startDate: '2025-01-06', cutoffDays: [120, 180] },
} as const;

/** Share of training customers held back (all their cutoffs together) to stop training and fit calibration. */
const VALIDATION_SHARE = 0.15;

export const LABELS = [
  churnedWithin(30),
  churnedWithin(90),
  activeWithin(30),
  openedWithin('credit_card', 30),
  openedWithin('installment_loan', 30),
  openedWithin('debit_card', 30),
];

export const LABEL_DESCRIPTIONS: Record<string, string> = {
  churned_within_30d: 'closed the checking account within 30 days after the cutoff (asked of customers holding one at the cutoff)',
  churned_within_90d: 'closed the checking account within 90 days after the cutoff (asked of customers holding one at the cutoff)',
  active_within_30d: 'initiated any card payment, login, page view, call or complaint within 30 days after the cutoff',
  opened_credit_card_within_30d: 'opened a credit card within 30 days after the cutoff (asked of checking-account holders without one)',
  opened_installment_loan_within_30d: 'opened an installment loan within 30 days after the cutoff (asked of checking-account holders without one)',
  opened_debit_card_within_30d: 'opened a debit card within 30 days after the cutoff (asked of checking-account holders without one)',
};

export interface SimulatedDatasets {
  readonly train: readonly DatasetRow[];
  readonly validation: readonly DatasetRow[];
  readonly holdout: readonly DatasetRow[];
  readonly cutoffs: readonly string[];
  readonly source: string;
  readonly holdoutDescription: string;
  readonly registryFingerprint: string;
  /** Seconds spent simulating and folding (0 when read from the cache). */
  readonly buildSeconds: number;
}

function cutoffsOf(bank: { startDate: string; cutoffDays: readonly number[] }): number[] {
  const startMs = Date.parse(`${bank.startDate}T00:00:00Z`);
  return bank.cutoffDays.map((day) => startMs + day * DAY_MS);
}

async function buildBank(bank: (typeof SIMULATED_BANKS)[keyof typeof SIMULATED_BANKS], path: string): Promise<void> {
  const simulation = new BankSimulation({ seed: bank.seed, customers: bank.customers, days: bank.days, startDate: bank.startDate });
  const dataset = buildPointInTimeDataset(simulation.events(), {
    registry: scoringFeatureRegistry(),
    cutoffs: cutoffsOf(bank),
    labels: LABELS,
    observedUntilMs: simulation.options.endMs,
  });
  await writeDatasetNdjson(dataset.rows, scoringFeatureRegistry(), path);
}

/** Stable split by customer: a customer's rows at every cutoff fall on the same side. */
function isValidationCustomer(customerId: string): boolean {
  return createHash('sha256').update(customerId).digest().readUInt32BE(0) / 2 ** 32 < VALIDATION_SHARE;
}

/**
 * The training, validation and holdout rows, built from the simulator on first use and cached as NDJSON under
 * `cacheDir` (keyed by the bank settings and the feature registry, so a change rebuilds). Deterministic: the same
 * settings give byte-identical files.
 */
export async function loadSimulatedDatasets(cacheDir: string): Promise<SimulatedDatasets> {
  const registry = scoringFeatureRegistry();
  const key = createHash('sha256')
    .update(JSON.stringify({ banks: SIMULATED_BANKS, labels: LABELS.map((l) => [l.name, l.horizonMs]), registry: registry.fingerprint, validation: VALIDATION_SHARE }))
    .digest('hex')
    .slice(0, 16);
  const trainingPath = join(cacheDir, key, 'training.ndjson');
  const holdoutPath = join(cacheDir, key, 'holdout.ndjson');
  const started = performance.now();
  if (!existsSync(trainingPath)) await buildBank(SIMULATED_BANKS.training, trainingPath);
  if (!existsSync(holdoutPath)) await buildBank(SIMULATED_BANKS.holdout, holdoutPath);
  const buildSeconds = (performance.now() - started) / 1000;
  const training = await readDatasetNdjson(trainingPath);
  const holdout = await readDatasetNdjson(holdoutPath);
  const { training: t, holdout: h } = SIMULATED_BANKS;
  return {
    train: training.filter((row) => !isValidationCustomer(row.customerId)),
    validation: training.filter((row) => isValidationCustomer(row.customerId)),
    holdout,
    cutoffs: cutoffsOf(t).map((ms) => new Date(ms).toISOString()),
    source: `@kairos/simulator synthetic bank: seed ${t.seed}, ${t.customers} customers, ${t.days} days from ${t.startDate}; point-in-time rows at days ${t.cutoffDays.join(', ')} folded with scoringFeatureRegistry(); ${Math.round(VALIDATION_SHARE * 100)}% of customers held back for validation and calibration`,
    holdoutDescription: `independent synthetic bank: seed ${h.seed}, ${h.customers} customers, cutoffs at days ${h.cutoffDays.join(' and ')} (labels whose window passes day ${h.days} are censored)`,
    registryFingerprint: registry.fingerprint,
    buildSeconds,
  };
}
