import { areaUnderRoc } from '../metrics/classification-metrics';

/** A score that was used, and what happened once its label window closed. */
export interface LabelledScore {
  readonly scoredAtMs: number;
  readonly score: number;
  readonly outcome: boolean;
}

export interface PeriodPerformance {
  readonly fromMs: number;
  readonly toMs: number;
  readonly n: number;
  readonly positives: number;
  /** Null when the period has only one class or fewer than `minimumCount` scores. */
  readonly auc: number | null;
  readonly meanScore: number;
  readonly observedRate: number;
}

/**
 * AUC per period of `periodMs` (e.g. a week), aligned to `originMs`, over scores whose labels have arrived: the
 * performance curve a model version shows after deployment. Periods with fewer than `minimumCount` labelled scores
 * report their counts but no AUC.
 */
export function performanceOverTime(scores: readonly LabelledScore[], periodMs: number, originMs = 0, minimumCount = 50): PeriodPerformance[] {
  const byPeriod = new Map<number, LabelledScore[]>();
  for (const entry of scores) {
    const period = Math.floor((entry.scoredAtMs - originMs) / periodMs);
    const list = byPeriod.get(period);
    if (list) list.push(entry);
    else byPeriod.set(period, [entry]);
  }
  return [...byPeriod.keys()]
    .sort((a, b) => a - b)
    .map((period) => {
      const entries = byPeriod.get(period)!;
      const positives = entries.filter((e) => e.outcome).length;
      const auc = entries.length < minimumCount ? null : areaUnderRoc({ scores: entries.map((e) => e.score), labels: entries.map((e) => e.outcome) });
      return {
        fromMs: originMs + period * periodMs,
        toMs: originMs + (period + 1) * periodMs,
        n: entries.length,
        positives,
        auc,
        meanScore: entries.reduce((sum, e) => sum + e.score, 0) / entries.length,
        observedRate: positives / entries.length,
      };
    });
}
