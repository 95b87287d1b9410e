import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LiveModelSet, ScorePath } from '../serving/live-models';
import type { ServedScoreOutcomes } from './served-score-outcomes';

/**
 * Scoring's Prometheus series, registered on the process's registry so they appear at /metrics beside the
 * platform's. Labels are model, version, stage and path — never a customer. The decision path only bumps plain
 * counters on the live versions; they are copied into the series when /metrics is scraped.
 */
export class ScoringMetrics {
  readonly refusals: Counter<'model' | 'reason'>;
  readonly scoreValues: Histogram<'model' | 'output' | 'stage'>;
  readonly psi: Gauge<'model' | 'version' | 'kind' | 'subject'>;
  readonly disparateImpact: Gauge<'model' | 'version' | 'output' | 'attribute'>;
  readonly alerts: Gauge<'model' | 'version' | 'severity'>;

  constructor(live: LiveModelSet, registry: Registry = new Registry(), outcomes?: ServedScoreOutcomes, clock: () => number = Date.now) {
    const registers = [registry];
    if (outcomes) {
      new Gauge({
        name: 'kairos_model_auc',
        help: 'AUC of served scores in the newest period whose labels arrived (see GET /v1/models/{id}/monitoring for every period)',
        labelNames: ['model', 'version', 'output'],
        registers,
        collect() {
          this.reset();
          for (const latest of outcomes.latestAuc(clock())) this.set({ model: latest.modelId, version: latest.version, output: latest.output }, latest.auc);
        },
      });
    }
    new Gauge({
      name: 'kairos_model_scores_served',
      help: 'Scores computed since start, by model version and path (decision, api, batch, shadow)',
      labelNames: ['model', 'version', 'path'],
      registers,
      collect() {
        for (const [key, stats] of live.versionStats()) {
          const [model, version] = key.split('@');
          for (const path of Object.keys(stats.served) as ScorePath[]) this.set({ model, version, path }, stats.served[path]);
        }
      },
    });
    new Gauge({
      name: 'kairos_model_shadow_gap_mean',
      help: 'Mean absolute difference between a shadow version and the served version on the same customers',
      labelNames: ['model', 'version'],
      registers,
      collect() {
        for (const [key, stats] of live.versionStats()) {
          if (stats.shadowGapCount === 0) continue;
          const [model, version] = key.split('@');
          this.set({ model, version }, stats.shadowGapSum / stats.shadowGapCount);
        }
      },
    });
    new Gauge({
      name: 'kairos_model_live_versions',
      help: '1 for every version loaded for scoring, by stage',
      labelNames: ['model', 'version', 'stage'],
      registers,
      collect() {
        this.reset();
        for (const model of live.all()) {
          for (const version of [model.production, model.canary, ...model.shadows]) if (version) this.set({ model: version.modelId, version: version.version, stage: version.stage }, 1);
        }
      },
    });
    this.refusals = new Counter({ name: 'kairos_model_score_refusals_total', help: 'Customers not scored on request, by reason (consent, objection, missing feature)', labelNames: ['model', 'reason'], registers });
    this.scoreValues = new Histogram({
      name: 'kairos_model_score',
      help: 'Distribution of scores served over the API, per model output and stage',
      labelNames: ['model', 'output', 'stage'],
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    });
    this.psi = new Gauge({ name: 'kairos_model_psi', help: 'Population stability index against the training distribution (last monitoring run)', labelNames: ['model', 'version', 'kind', 'subject'], registers });
    this.disparateImpact = new Gauge({ name: 'kairos_model_disparate_impact_min', help: 'Smallest disparate-impact ratio across groups (last monitoring run)', labelNames: ['model', 'version', 'output', 'attribute'], registers });
    this.alerts = new Gauge({ name: 'kairos_model_alerts', help: 'Monitoring alerts standing after the last monitoring run', labelNames: ['model', 'version', 'severity'], registers });
  }
}
