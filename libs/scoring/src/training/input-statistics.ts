import type { FeatureInputDeclaration, MissingValuePolicy } from '../signature/model-signature.schema';

/** An input as a model author plans it; the centre, scale and clip come from the training data. */
export interface PlannedInput {
  readonly name: string;
  readonly type: 'number' | 'boolean' | 'timestamp' | 'string';
  readonly transform?: 'identity' | 'log1p';
  readonly categories?: readonly string[];
  readonly missing: MissingValuePolicy;
}

/**
 * Completes a planned input from its natural training values: clipped to the 0.1%–99.9% quantiles after the
 * transform (so one extreme customer cannot dominate), then standardised to mean 0 and standard deviation 1.
 */
export function fitInput(plan: PlannedInput, naturalValues: readonly (number | string | null)[]): FeatureInputDeclaration {
  if (plan.type === 'string') return { ...plan, categories: [...(plan.categories ?? [])] };
  const transformed = naturalValues
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    .map((v) => (plan.transform === 'log1p' ? (v < 0 ? -Math.log1p(-v) : Math.log1p(v)) : v))
    .sort((a, b) => a - b);
  if (transformed.length === 0) return { ...plan, categories: undefined };
  const low = quantile(transformed, 0.001);
  const high = quantile(transformed, 0.999);
  let sum = 0;
  let squares = 0;
  for (const v of transformed) {
    const x = Math.min(high, Math.max(low, v));
    sum += x;
    squares += x * x;
  }
  const mean = sum / transformed.length;
  const variance = Math.max(0, squares / transformed.length - mean * mean);
  const std = Math.sqrt(variance);
  return {
    name: plan.name,
    type: plan.type,
    transform: plan.transform ?? 'identity',
    missing: plan.missing,
    clip: [round(low), round(high)],
    center: round(mean),
    scale: std > 1e-9 ? round(std) : 1,
  };
}

/** Sorted ascending. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Cards are read by people: 6 significant digits are plenty and keep the JSON legible. */
function round(value: number): number {
  return Number(value.toPrecision(6));
}
