import { modelCardSchema } from '../card/model-card.schema';
import { disparateImpact } from './disparate-impact';
import { driftAgainstCard, monitoringAlerts } from './monitoring-alerts';
import { performanceOverTime } from './performance-over-time';
import { binOf, binProportions, populationStabilityIndex, referenceBins, stabilityAgainst } from './population-stability';

describe('population stability index', () => {
  it('matches the hand computation Σ (a − e) ln(a / e)', () => {
    const expected = [0.25, 0.25, 0.5];
    const actual = [0.1, 0.3, 0.6];
    const byHand = (0.1 - 0.25) * Math.log(0.1 / 0.25) + (0.3 - 0.25) * Math.log(0.3 / 0.25) + (0.6 - 0.5) * Math.log(0.6 / 0.5);
    expect(populationStabilityIndex(expected, actual)).toBeCloseTo(byHand, 12);
    expect(populationStabilityIndex(expected, expected)).toBe(0);
    // An empty bin is floored at 0.01%, so the index stays finite.
    expect(Number.isFinite(populationStabilityIndex([0.5, 0.5], [1, 0]))).toBe(true);
  });

  it('builds quantile bins that survive ties (counts of rare events)', () => {
    const counts = [0, 0, 0, 0, 0, 0, 1, 1, 2, 5];
    const bins = referenceBins(counts, 10);
    expect(bins.edges).toEqual([0, 1, 2]);
    expect(bins.proportions).toEqual([0.6, 0.2, 0.1, 0.1]);
    expect(binOf(0, bins.edges)).toBe(0);
    expect(binOf(1.5, bins.edges)).toBe(2);
    expect(binOf(99, bins.edges)).toBe(3);
    expect(referenceBins([3, 3, 3])).toEqual({ edges: [], proportions: [1] });
  });

  it('is near zero for a sample of the same distribution and large for a shifted one', () => {
    const reference = referenceBins(Array.from({ length: 1000 }, (_, i) => i));
    expect(stabilityAgainst(reference, Array.from({ length: 500 }, (_, i) => i * 2 + 1))).toBeLessThan(0.01);
    expect(stabilityAgainst(reference, Array.from({ length: 500 }, (_, i) => 600 + i))).toBeGreaterThan(0.25);
    expect(binProportions([], [1])).toEqual([0, 0]);
  });
});

describe('performance over time and disparate impact', () => {
  it('computes AUC per period once enough labels arrived', () => {
    const week = 7 * 86_400_000;
    const scores = [
      ...Array.from({ length: 60 }, (_, i) => ({ scoredAtMs: i * 1000, score: i / 60, outcome: i >= 30 })),
      ...Array.from({ length: 60 }, (_, i) => ({ scoredAtMs: week + i * 1000, score: i / 60, outcome: i % 2 === 0 })),
      { scoredAtMs: 2 * week, score: 0.5, outcome: true },
    ];
    const periods = performanceOverTime(scores, week, 0, 50);
    expect(periods.map((p) => [p.n, p.positives])).toEqual([
      [60, 30],
      [60, 30],
      [1, 1],
    ]);
    expect(periods[0].auc).toBe(1);
    // Positives at even i outrank the i / 2 odd negatives below them: Σ_{k<30} k = 435 of 30 × 30 pairs.
    expect(periods[1].auc).toBeCloseTo(435 / 900, 12);
    expect(periods[2].auc).toBeNull();
  });

  it('divides each group’s selection rate by the most-selected group’s', () => {
    const groups = [...Array(100).fill('18_24'), ...Array(100).fill('65_plus'), ...Array(5).fill('tiny')];
    const selected = [...Array.from({ length: 100 }, (_, i) => i < 40), ...Array.from({ length: 100 }, (_, i) => i < 20), ...Array(5).fill(true)];
    const impact = disparateImpact(groups, selected);
    expect(impact.reference).toBe('18_24');
    expect(impact.groups.find((g) => g.group === '65_plus')).toMatchObject({ rate: 0.2, ratio: 0.5 });
    expect(impact.groups.find((g) => g.group === 'tiny')).toMatchObject({ ratio: null });
    expect(impact.minimumRatio).toBe(0.5);
  });
});

describe('monitoring alerts', () => {
  const card = modelCardSchema.parse({
    schemaVersion: 1,
    modelId: 'churn',
    version: '1.0.0',
    family: 'churn',
    title: 't',
    format: 'tfjs-layers',
    purposes: ['ai_personalization'],
    intendedUse: 'tests',
    signature: { inputs: [{ name: 'logins_count_30d', type: 'number', missing: { strategy: 'impute', value: 0 } }], outputs: [{ name: 'churn_30d', description: 'd' }] },
    explanation: { method: 'integrated_gradients', baseline: { logins_count_30d: 0 }, steps: 8 },
    metrics: { dataset: 'd', holdout: { churn_30d: { n: 100, positives: 10, baseRate: 0.1, auc: 0.9, brier: 0.05, ece: 0.01, logLoss: 0.2, meanScore: 0.1 } } },
    monitoring: { features: { logins_count_30d: { edges: [1, 5], proportions: [0.3, 0.4, 0.3] } }, scores: { churn_30d: { edges: [0.1], proportions: [0.8, 0.2] } } },
  });

  it('raises drift, performance and fairness alerts at their thresholds and stays quiet below', () => {
    const drift = driftAgainstCard(card, { logins_count_30d: [0, 0, 0, 0, 0, 0, 0, 0, 9, 9] }, { churn_30d: [0.05, 0.06, 0.5, 0.01, 0.02] });
    expect(drift.features['logins_count_30d']).toBeGreaterThan(0.25);
    expect(drift.scores['churn_30d']).toBeLessThan(0.1);
    const alerts = monitoringAlerts(card, {
      drift,
      performance: { churn_30d: [{ fromMs: 0, toMs: 1, n: 100, positives: 10, auc: 0.87, meanScore: 0.1, observedRate: 0.1 }, { fromMs: 1, toMs: 2, n: 100, positives: 10, auc: 0.78, meanScore: 0.1, observedRate: 0.1 }] },
      fairness: { churn_30d: { age_band: disparateImpact([...Array(50).fill('a'), ...Array(50).fill('b')], [...Array(50).fill(true), ...Array.from({ length: 50 }, (_, i) => i < 35)]) } },
    });
    expect(alerts.map((a) => [a.kind, a.severity, a.subject])).toEqual([
      ['feature_drift', 'critical', 'logins_count_30d'],
      ['performance', 'critical', 'churn_30d'],
      ['fairness', 'warning', 'churn_30d:age_band=b'],
    ]);
  });
});
