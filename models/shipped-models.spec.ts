import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelScorer, TfjsLayersRunner, checkSignature, layersModelFiles, parseModelCard, prepareTensorflow, renderModelCard, scoringFeatureRegistry } from '@kairos/scoring';

const FAMILIES = ['churn', 'activity', 'propensity'] as const;
const DAY_MS = 86_400_000;
const AS_OF = Date.UTC(2026, 10, 23);

/** The committed artifacts must be what their cards say: loadable, deployable with the scoring registry, explainable. */
describe.each(FAMILIES)('shipped model %s', (family) => {
  const dir = join(__dirname, family);
  const card = parseModelCard(JSON.parse(readFileSync(join(dir, 'model-card.json'), 'utf8')));

  beforeAll(async () => {
    await prepareTensorflow('cpu');
  });

  it('has a card whose signature the scoring registry accepts for its purposes, and a matching MODEL_CARD.md', () => {
    expect(checkSignature(card.signature, card.purposes, scoringFeatureRegistry())).toEqual([]);
    expect(readFileSync(join(dir, 'MODEL_CARD.md'), 'utf8')).toBe(renderModelCard(card));
    for (const output of card.signature.outputs) {
      const metrics = card.metrics!.holdout[output.name];
      expect(metrics.auc).not.toBeNull();
      expect(metrics.n).toBeGreaterThan(300);
    }
  });

  it('loads from its files and scores a customer with explanations that add up', async () => {
    const scorer = new ModelScorer(card, await TfjsLayersRunner.load(layersModelFiles(join(dir, 'artifact'))));
    const features = { logins_count_30d: 2, logins_count_90d: 20, complaints_count_90d: 2, account_leaving_page_views_count_30d: 1, last_login_at: AS_OF - 9 * DAY_MS, credit_card_page_views_count_7d: 2 };
    const result = scorer.scoreSync({ features, asOfMs: AS_OF });
    expect(result.status).toBe('scored');
    if (result.status !== 'scored') return;
    expect(result.scores.map((s) => s.name)).toEqual(card.signature.outputs.map((o) => o.name));
    for (const score of result.scores) expect(score.score).toBeGreaterThan(0);
    for (const output of result.explanation!.outputs) {
      const total = output.attributions.reduce((sum, a) => sum + a.contribution, 0);
      expect(Math.abs(total - (output.score - output.baselineScore))).toBeLessThan(1e-6);
    }
    expect(result.explanation!.reasons.length).toBeGreaterThan(0);
    scorer.runner.dispose();
  });
});
