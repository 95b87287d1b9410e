import type { ModelCard } from '../card/model-card.schema';
import type { DisparateImpact } from './disparate-impact';
import type { PeriodPerformance } from './performance-over-time';
import { stabilityAgainst } from './population-stability';

export interface MonitoringThresholds {
  /** PSI at or above which drift is a warning (default 0.1) and critical (default 0.25). */
  readonly psiWarning: number;
  readonly psiCritical: number;
  /** AUC drop below the card's holdout AUC that warns (default 0.05) and is critical (default 0.10). */
  readonly aucDropWarning: number;
  readonly aucDropCritical: number;
  /** Disparate-impact ratio below which fairness alerts (default 0.8, the four-fifths rule). */
  readonly disparateImpactMinimum: number;
}

export const DEFAULT_MONITORING_THRESHOLDS: MonitoringThresholds = {
  psiWarning: 0.1,
  psiCritical: 0.25,
  aucDropWarning: 0.05,
  aucDropCritical: 0.1,
  disparateImpactMinimum: 0.8,
};

export type AlertKind = 'feature_drift' | 'score_drift' | 'performance' | 'fairness';

export interface MonitoringAlert {
  readonly kind: AlertKind;
  readonly severity: 'warning' | 'critical';
  /** Feature, output or group attribute the alert is about. */
  readonly subject: string;
  readonly value: number;
  readonly threshold: number;
  readonly message: string;
}

export interface DriftReport {
  readonly features: Readonly<Record<string, number>>;
  readonly scores: Readonly<Record<string, number>>;
}

/**
 * PSI of every monitored feature and score against the training distribution in the card. `features` holds
 * natural values (as `FeatureVectorEncoder.naturalValues` gives them) per feature; `scores` calibrated scores
 * per output. Features or outputs without a reference are skipped.
 */
export function driftAgainstCard(card: ModelCard, features: Readonly<Record<string, ArrayLike<number>>>, scores: Readonly<Record<string, ArrayLike<number>>>): DriftReport {
  const reference = card.monitoring;
  const featurePsi: Record<string, number> = {};
  const scorePsi: Record<string, number> = {};
  if (reference) {
    for (const [name, values] of Object.entries(features)) if (reference.features[name] && values.length > 0) featurePsi[name] = stabilityAgainst(reference.features[name], values);
    for (const [name, values] of Object.entries(scores)) if (reference.scores[name] && values.length > 0) scorePsi[name] = stabilityAgainst(reference.scores[name], values);
  }
  return { features: featurePsi, scores: scorePsi };
}

/** Alerts from the monitoring figures of one model version; pure, so exposure (HTTP, /metrics) can come later. */
export function monitoringAlerts(
  card: ModelCard,
  figures: {
    readonly drift?: DriftReport;
    /** Per output, the newest periods first or last (all are checked). */
    readonly performance?: Readonly<Record<string, readonly PeriodPerformance[]>>;
    /** Per output and group attribute (e.g. `age_band`). */
    readonly fairness?: Readonly<Record<string, Readonly<Record<string, DisparateImpact>>>>;
  },
  thresholds: MonitoringThresholds = DEFAULT_MONITORING_THRESHOLDS,
): MonitoringAlert[] {
  const alerts: MonitoringAlert[] = [];
  const drift = (kind: 'feature_drift' | 'score_drift', values: Readonly<Record<string, number>>): void => {
    for (const [subject, psi] of Object.entries(values)) {
      if (psi < thresholds.psiWarning) continue;
      const critical = psi >= thresholds.psiCritical;
      alerts.push({
        kind,
        severity: critical ? 'critical' : 'warning',
        subject,
        value: psi,
        threshold: critical ? thresholds.psiCritical : thresholds.psiWarning,
        message: `${kind === 'feature_drift' ? 'feature' : 'score'} ${subject} drifted from its training distribution (PSI ${psi.toFixed(3)})`,
      });
    }
  };
  if (figures.drift) {
    drift('feature_drift', figures.drift.features);
    drift('score_drift', figures.drift.scores);
  }
  for (const [output, periods] of Object.entries(figures.performance ?? {})) {
    const expected = card.metrics?.holdout[output]?.auc;
    if (expected === null || expected === undefined) continue;
    for (const period of periods) {
      if (period.auc === null) continue;
      const drop = expected - period.auc;
      if (drop < thresholds.aucDropWarning) continue;
      const critical = drop >= thresholds.aucDropCritical;
      alerts.push({
        kind: 'performance',
        severity: critical ? 'critical' : 'warning',
        subject: output,
        value: period.auc,
        threshold: expected - (critical ? thresholds.aucDropCritical : thresholds.aucDropWarning),
        message: `AUC of ${output} was ${period.auc.toFixed(3)} from ${new Date(period.fromMs).toISOString()} (holdout ${expected.toFixed(3)})`,
      });
    }
  }
  for (const [output, attributes] of Object.entries(figures.fairness ?? {})) {
    for (const [attribute, impact] of Object.entries(attributes)) {
      for (const group of impact.groups) {
        if (group.ratio === null || group.ratio >= thresholds.disparateImpactMinimum) continue;
        alerts.push({
          kind: 'fairness',
          severity: 'warning',
          subject: `${output}:${attribute}=${group.group}`,
          value: group.ratio,
          threshold: thresholds.disparateImpactMinimum,
          message: `${attribute} ${group.group} is selected by ${output} at ${(group.ratio * 100).toFixed(0)}% of the rate of ${impact.reference ?? 'the reference group'}`,
        });
      }
    }
  }
  return alerts;
}
