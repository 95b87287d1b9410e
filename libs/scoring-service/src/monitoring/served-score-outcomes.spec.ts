import { Registry } from 'prom-client';
import type { CustomerEvent } from '@kairos/contracts';
import type { LiveModelSet } from '../serving/live-models';
import { ScoringMetrics } from './scoring-metrics';
import { type ServedOutput, ServedScoreOutcomes, labelDefinitionFor } from './served-score-outcomes';

const DAY = 86_400_000;
/** Monday 2026-01-05 00:00 UTC: the start of a weekly period. */
const WEEK_1 = Date.parse('2026-01-05T00:00:00Z');
const WEEK_2 = WEEK_1 + 7 * DAY;
const CHURN_30 = labelDefinitionFor('churned_within_30d');
const CHURN_90 = labelDefinitionFor('churned_within_90d');

function closedChecking(customerId: string, atMs: number): CustomerEvent {
  return {
    id: `evt-${customerId}-${atMs}`,
    type: 'product_closed',
    customerId,
    occurredAt: new Date(atMs).toISOString(),
    occurredAtMs: atMs,
    receivedAtMs: atMs,
    source: 'core-banking',
    data: { productId: `p-${customerId}`, product: 'checking_account' },
  } as unknown as CustomerEvent;
}

function churnScores(score: number): ServedOutput[] {
  return [
    { name: 'churn_30d', label: CHURN_30, score },
    { name: 'churn_90d', label: CHURN_90, score },
  ];
}

describe('ServedScoreOutcomes: AUC over time of served scores, labels from the event stream', () => {
  it('parses the label names of the shipped model cards and refuses unknown ones', () => {
    expect(labelDefinitionFor('churned_within_30d')).toEqual(expect.objectContaining({ name: 'churned_within_30d', horizonMs: 30 * DAY }));
    expect(labelDefinitionFor('active_within_30d')?.name).toBe('active_within_30d');
    expect(labelDefinitionFor('opened_credit_card_within_30d')?.name).toBe('opened_credit_card_within_30d');
    expect(labelDefinitionFor('bought_a_boat')).toBeNull();
    expect(labelDefinitionFor(undefined)).toBeNull();
  });

  it('reports AUC per week only once the label window closed, from outcome events inside the window', () => {
    const outcomes = new ServedScoreOutcomes({ graceMs: 0, minimumCount: 10 });
    // Week 1: the 20 customers with the highest scores churn (AUC 1). Week 2: the 20 lowest churn (AUC 0).
    for (let i = 0; i < 40; i++) {
      outcomes.recordServed('churn', '1.0.0', `w1-${i}`, WEEK_1 + i * 3_600_000, churnScores(i / 40));
      outcomes.recordServed('churn', '1.0.0', `w2-${i}`, WEEK_2 + i * 3_600_000, churnScores(i / 40));
    }
    // Served again in the same week: only the first score of a customer and week is followed.
    outcomes.recordServed('churn', '1.0.0', 'w1-0', WEEK_1 + 2 * DAY, churnScores(0.99));
    const events: CustomerEvent[] = [];
    for (let i = 0; i < 40; i++) {
      if (i >= 20) events.push(closedChecking(`w1-${i}`, WEEK_1 + 10 * DAY));
      if (i < 20) events.push(closedChecking(`w2-${i}`, WEEK_2 + 10 * DAY));
    }
    // Outside every window: before serving, and after 90 days.
    events.push(closedChecking('w1-1', WEEK_1 - DAY), closedChecking('w1-2', WEEK_1 + 200 * DAY));
    outcomes.observe(events);

    const early = outcomes.performance('churn', '1.0.0', WEEK_1 + 20 * DAY);
    expect(early.available).toBe(false);
    expect(early.pending).toBe(80);
    expect(early.outputs['churn_30d']!.periods).toEqual([]);

    // 30 days into week 2: week 1 settled for the 30-day head; of week 2 only the first hour's score has.
    const month = outcomes.performance('churn', '1.0.0', WEEK_2 + 30 * DAY);
    expect(month.outputs['churn_30d']!.periods.map((p) => [new Date(p.fromMs).toISOString(), p.n, p.positives, p.auc, p.complete])).toEqual([
      ['2026-01-05T00:00:00.000Z', 40, 20, 1, true],
      ['2026-01-12T00:00:00.000Z', 1, 1, null, false],
    ]);
    expect(month.outputs['churn_90d']!.periods).toEqual([]);
    expect(month.available).toBe(true);

    const later = WEEK_2 + 37 * DAY;
    expect(outcomes.performance('churn', '1.0.0', later).outputs['churn_30d']!.periods.map((p) => [p.n, p.positives, p.auc, p.complete])).toEqual([
      [40, 20, 1, true],
      [40, 20, 0, true],
    ]);
    expect(outcomes.latestAuc(later)).toEqual([{ modelId: 'churn', version: '1.0.0', output: 'churn_30d', auc: 0, n: 40 }]);

    const quarter = outcomes.performance('churn', '1.0.0', WEEK_2 + 97 * DAY);
    expect(quarter.pending).toBe(0);
    expect(quarter.outputs['churn_90d']!.periods.map((p) => [p.positives, p.auc])).toEqual([
      [20, 1],
      [20, 0],
    ]);
  });

  it('counts a period without an AUC while it holds fewer scores than the minimum or one class only', () => {
    const outcomes = new ServedScoreOutcomes({ graceMs: 0, minimumCount: 10 });
    for (let i = 0; i < 5; i++) outcomes.recordServed('churn', '2.0.0', `few-${i}`, WEEK_1, churnScores(0.5));
    for (let i = 0; i < 20; i++) outcomes.recordServed('churn', '2.0.0', `calm-${i}`, WEEK_2, churnScores(0.1));
    const report = outcomes.performance('churn', '2.0.0', WEEK_2 + 100 * DAY);
    expect(report.outputs['churn_30d']!.periods.map((p) => [p.n, p.positives, p.auc])).toEqual([
      [5, 0, null],
      [20, 0, null],
    ]);
    expect(report.available).toBe(false);
  });

  it('keeps memory bounded: beyond maxPending followed scores, served scores are counted as dropped', () => {
    const outcomes = new ServedScoreOutcomes({ maxPending: 10, graceMs: 0 });
    for (let i = 0; i < 25; i++) outcomes.recordServed('churn', '1.0.0', `c-${i}`, WEEK_1, churnScores(0.2));
    expect(outcomes.performance('churn', '1.0.0', WEEK_1)).toEqual(expect.objectContaining({ pending: 10, dropped: 15 }));
    // Settling frees room for new scores.
    outcomes.settle(WEEK_1 + 91 * DAY);
    outcomes.recordServed('churn', '1.0.0', 'late', WEEK_1 + 91 * DAY, churnScores(0.2));
    expect(outcomes.performance('churn', '1.0.0', WEEK_1 + 91 * DAY)).toEqual(expect.objectContaining({ pending: 1, dropped: 15 }));
  });

  it('follows nothing for outputs whose label it cannot observe', () => {
    const outcomes = new ServedScoreOutcomes();
    outcomes.recordServed('custom', '1.0.0', 'c-1', WEEK_1, [{ name: 'score', label: null, score: 0.4 }]);
    expect(outcomes.performance('custom', '1.0.0', WEEK_1 + 100 * DAY)).toEqual(expect.objectContaining({ available: false, pending: 0, outputs: { score: { label: null, periods: [] } } }));
  });

  it('publishes the newest AUC per version and output as a gauge, on the clock it is given', async () => {
    const outcomes = new ServedScoreOutcomes({ graceMs: 0, minimumCount: 4 });
    for (let i = 0; i < 8; i++) outcomes.recordServed('churn', '1.0.0', `m-${i}`, WEEK_1, churnScores(i / 8));
    outcomes.observe([6, 7, 2].map((i) => closedChecking(`m-${i}`, WEEK_1 + DAY)));
    let now = WEEK_1 + DAY;
    const registry = new Registry();
    const noModels = { versionStats: () => new Map(), all: () => [] } as unknown as LiveModelSet;
    new ScoringMetrics(noModels, registry, outcomes, () => now);
    expect(await registry.getSingleMetricAsString('kairos_model_auc')).not.toMatch(/churn/);
    now = WEEK_1 + 40 * DAY;
    // Positives 2, 6, 7 of scores 0/8…7/8: 12 of 15 positive–negative pairs ranked right.
    expect(await registry.getSingleMetricAsString('kairos_model_auc')).toMatch(/^kairos_model_auc\{model="churn",version="1.0.0",output="churn_30d"\} 0\.8$/m);
  });
});
