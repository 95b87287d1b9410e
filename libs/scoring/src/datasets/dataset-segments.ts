import { ProfileState, age } from '@kairos/profile';

/** Age bands for evaluation and fairness monitoring; age is never a model input of the shipped models. */
export const AGE_BANDS = ['under_18', '18_24', '25_34', '35_44', '45_54', '55_64', '65_plus', 'unknown'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function ageBandOf(years: number | null): AgeBand {
  if (years === null) return 'unknown';
  if (years < 18) return 'under_18';
  if (years < 25) return '18_24';
  if (years < 35) return '25_34';
  if (years < 45) return '35_44';
  if (years < 55) return '45_54';
  if (years < 65) return '55_64';
  return '65_plus';
}

/** Groups a row belongs to, for metrics by segment; kept beside the features, never among them. */
export interface DatasetSegments {
  readonly ageBand: AgeBand;
}

export function segmentsOf(state: ProfileState, atMs: number): DatasetSegments {
  return { ageBand: ageBandOf(age(state, atMs)) };
}
