import type { PlannedInput } from '@kairos/scoring';

/** A count or amount: log1p compresses the long tail; never seen means zero. */
export function countInput(name: string): PlannedInput {
  return { name, type: 'number', transform: 'log1p', missing: { strategy: 'impute', value: 0 } };
}

/** Days since a timestamp, log1p; never happened is treated as a year ago. */
export function recencyInput(name: string): PlannedInput {
  return { name, type: 'timestamp', transform: 'log1p', missing: { strategy: 'impute', value: 365 } };
}

/** A balance: signed log1p; unknown counts as zero. */
export function balanceInput(name: string): PlannedInput {
  return { name, type: 'number', transform: 'log1p', missing: { strategy: 'impute', value: 0 } };
}

/** Limitations every shipped model shares, because they all learn from the simulator. */
export const SIMULATED_DATA_LIMITATIONS = [
  'Trained and evaluated only on synthetic customers from @kairos/simulator: the figures say the pipeline works and how well the simulated behaviour can be predicted, not how the model performs on a real bank. Retrain and re-evaluate on real, point-in-time data before production use.',
  'Age is not an input (and gender is never one); performance is reported by age band so differences stay visible. Monitor disparate impact per age band (and gender where collected for monitoring) after deployment.',
  'Features are read as of the scoring instant from the event-sourced profile. A serving registry without the SCORING_FEATURES definitions cannot score these models (unknown features are refused at upload).',
];
