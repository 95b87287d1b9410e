import type { ArmState } from '../pipeline/decision-ports';
import { SeededRandom } from './seeded-random';

/** One Thompson-sampling choice with everything needed to replay and explain it. */
export interface VariantChoice {
  readonly campaignId: string;
  readonly seed: number;
  readonly variantId: string;
  /** Every arm in the order drawn (by variant id), its posterior and its draw. */
  readonly draws: readonly { readonly variantId: string; readonly alpha: number; readonly beta: number; readonly draw: number }[];
}

/**
 * Thompson sampling over Beta-Bernoulli arms: draw a rate from each variant's posterior, take the largest. The
 * draws come from a PRNG seeded with `seed`, and arms are drawn in variant-id order, so the same seed and
 * posteriors always choose the same variant.
 */
export function chooseVariant(campaignId: string, arms: readonly ArmState[], seed: number): VariantChoice {
  if (arms.length === 0) throw new RangeError('a variant choice needs at least one arm');
  const random = new SeededRandom(seed);
  const ordered = [...arms].sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0));
  let best = 0;
  const draws = ordered.map((arm, i) => {
    const draw = random.beta(arm.alpha, arm.beta);
    return { variantId: arm.variantId, alpha: arm.alpha, beta: arm.beta, draw, i };
  });
  for (const d of draws) if (d.draw > draws[best].draw) best = d.i;
  return { campaignId, seed, variantId: draws[best].variantId, draws: draws.map(({ variantId, alpha, beta, draw }) => ({ variantId, alpha, beta, draw })) };
}
