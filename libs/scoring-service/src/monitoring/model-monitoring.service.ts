import { type DisparateImpact, type DriftReport, type MonitoringAlert, disparateImpact, driftAgainstCard, monitoringAlerts, readSignatureFeatures } from '@kairos/scoring';
import type { ScoringServiceOptions } from '../scoring-options';
import type { LiveModelSet, LiveVersion } from '../serving/live-models';
import { type PopulationCount, allowedPopulation } from '../serving/owned-population';
import { type ScoreDistribution, distributionOf, scorePopulation } from '../serving/segment-scoring.service';
import type { ScoringMetrics } from './scoring-metrics';
import type { ServedScoreOutcomes, VersionPerformance } from './served-score-outcomes';

/** Customers per monitoring run at most (a sample of the owned partitions, in store order). */
const MONITORING_SAMPLE = 50_000;

export interface VersionMonitoring {
  readonly version: string;
  readonly stage: string;
  readonly population: { readonly customers: number; readonly monitored: number; readonly notAllowed: number; readonly refusedMissingFeatures: number };
  /** PSI of each feature and output against the card's training deciles. */
  readonly drift: DriftReport;
  readonly scores: Readonly<Record<string, ScoreDistribution>>;
  /** Selection (score ≥ threshold) by age band: monitoring data only, never an input. */
  readonly fairness: Readonly<Record<string, { readonly ageBand: DisparateImpact }>>;
  /** AUC per period (week) of served scores whose label windows closed, learnt from the event stream. */
  readonly performance: VersionPerformance;
  readonly served: Readonly<Record<string, number>>;
  readonly shadowGapMean: number | null;
  readonly alerts: readonly MonitoringAlert[];
}

export interface ModelMonitoring {
  readonly modelId: string;
  readonly evaluatedAt: string;
  readonly threshold: number;
  readonly versions: readonly VersionMonitoring[];
}

/**
 * Monitoring of every live version of a model on the population this process owns: drift (PSI) of features and
 * scores against the training distribution in the card, the score distribution, disparate impact across age bands,
 * and the alerts their thresholds raise; the figures also go to /metrics as gauges.
 */
export class ModelMonitoringService {
  constructor(
    private readonly options: ScoringServiceOptions,
    private readonly live: LiveModelSet,
    private readonly metrics: ScoringMetrics,
    private readonly outcomes: ServedScoreOutcomes,
  ) {}

  async monitor(modelId: string, threshold: number): Promise<ModelMonitoring> {
    const model = this.live.get(modelId);
    const versions = model ? [model.production, model.canary, ...model.shadows].filter((v): v is LiveVersion => v !== undefined) : [];
    const nowMs = (this.options.clock ?? Date.now)();
    const reports: VersionMonitoring[] = [];
    for (const version of versions) reports.push(await this.monitorVersion(version, threshold, nowMs));
    return { modelId, evaluatedAt: new Date(nowMs).toISOString(), threshold, versions: reports };
  }

  private async monitorVersion(version: LiveVersion, threshold: number, nowMs: number): Promise<VersionMonitoring> {
    const count: PopulationCount = { customers: 0, notAllowed: 0 };
    const members = [...allowedPopulation(this.options, version.purposes, nowMs, count, MONITORING_SAMPLE)];
    const { scores, refused } = await scorePopulation(version, members, this.options, nowMs);
    const scorer = version.scorer;
    const outputs = scorer.outputNames.length;
    const inputs = scorer.card.signature.inputs;
    const featureValues: Record<string, number[]> = Object.fromEntries(inputs.map((input) => [input.name, []]));
    const scoreValues: Record<string, number[]> = Object.fromEntries(scorer.outputNames.map((name) => [name, []]));
    const groups: string[] = [];
    const selected: boolean[][] = scorer.outputNames.map(() => []);
    members.forEach((member, row) => {
      if (Number.isNaN(scores[row * outputs])) return;
      const natural = scorer.encoder.naturalValues(readSignatureFeatures(member.state, this.options.features, scorer.card.signature, nowMs), nowMs);
      inputs.forEach((input, i) => {
        const value = natural[i];
        if (typeof value === 'number') featureValues[input.name].push(value);
      });
      groups.push(member.ageBand);
      scorer.outputNames.forEach((name, o) => {
        scoreValues[name].push(scores[row * outputs + o]);
        selected[o].push(scores[row * outputs + o] >= threshold);
      });
    });
    const drift = driftAgainstCard(scorer.card, featureValues, scoreValues);
    const fairness = Object.fromEntries(scorer.outputNames.map((name, o) => [name, { ageBand: disparateImpact(groups, selected[o]) }]));
    const performance = this.outcomes.performance(version.modelId, version.version, nowMs);
    const periods = Object.fromEntries(Object.entries(performance.outputs).map(([output, { periods }]) => [output, periods.filter((period) => period.complete)]));
    const alerts = monitoringAlerts(scorer.card, { drift, fairness, performance: periods });
    this.publish(version, drift, fairness, alerts);
    return {
      version: version.version,
      stage: version.stage,
      population: { customers: count.customers, monitored: members.length, notAllowed: count.notAllowed, refusedMissingFeatures: refused },
      drift,
      scores: Object.fromEntries(scorer.outputNames.map((name, o) => [name, distributionOf(scores, outputs, o, threshold)])),
      fairness,
      performance,
      served: { ...version.stats.served },
      shadowGapMean: version.stats.shadowGapCount === 0 ? null : version.stats.shadowGapSum / version.stats.shadowGapCount,
      alerts,
    };
  }

  private publish(version: LiveVersion, drift: DriftReport, fairness: Record<string, { ageBand: DisparateImpact }>, alerts: readonly MonitoringAlert[]): void {
    const labels = { model: version.modelId, version: version.version };
    for (const [subject, psi] of Object.entries(drift.features)) this.metrics.psi.set({ ...labels, kind: 'feature', subject }, psi);
    for (const [subject, psi] of Object.entries(drift.scores)) this.metrics.psi.set({ ...labels, kind: 'score', subject }, psi);
    for (const [output, { ageBand }] of Object.entries(fairness)) {
      if (ageBand.minimumRatio !== null) this.metrics.disparateImpact.set({ ...labels, output, attribute: 'age_band' }, ageBand.minimumRatio);
    }
    for (const severity of ['warning', 'critical'] as const) this.metrics.alerts.set({ ...labels, severity }, alerts.filter((alert) => alert.severity === severity).length);
  }
}
