import { SeededRandom, seedFrom, type ArmState } from '@kairos/decisioning';

/**
 * P(arm has the highest rate) under the Beta posteriors, by Monte Carlo with a PRNG seeded from the campaign and
 * the posteriors: the same counts always give the same figures (a report that jitters on reload reads as drift).
 * 10,000 draws put the standard error below 0.005.
 */
export function probabilityOfBeingBest(campaignId: string, arms: readonly ArmState[], draws = 10_000): Record<string, number> {
  const out: Record<string, number> = {};
  if (arms.length === 0) return out;
  const random = new SeededRandom(seedFrom('probability-best', campaignId, JSON.stringify(arms.map((a) => [a.variantId, a.alpha, a.beta]))));
  const wins = new Array<number>(arms.length).fill(0);
  for (let n = 0; n < draws; n++) {
    let best = 0;
    let bestDraw = -1;
    for (let i = 0; i < arms.length; i++) {
      const draw = random.beta(arms[i].alpha, arms[i].beta);
      if (draw > bestDraw) {
        bestDraw = draw;
        best = i;
      }
    }
    wins[best]++;
  }
  arms.forEach((arm, i) => (out[arm.variantId] = wins[i] / draws));
  return out;
}
