// The public face of @kairos/scoring-service. Scoring wired to the runtime: the model registry with stages and four-eyes promotion, /v1/score, monitoring.
export * from './scoring.module';
export * from './scoring-options';
export { ScoringServices, createScoringServices, DEFAULT_REGISTRY_POLL_MS } from './scoring-services';
export { ModelScoreSource, PreparedScores } from './serving/model-score-source';
export { LiveModelSet, scoreKeys } from './serving/live-models';
export type { LiveModel, LiveVersion, ScorePath, VersionStats } from './serving/live-models';
export { ModelRegistryService } from './registry/model-registry.service';
export type { ModelVersionView, ModelView } from './registry/model-registry.service';
export type { Holdout, HoldoutMetrics, HoldoutRow } from './registry/holdout-evaluation';
export { MODEL_STAGES, checkStageChange, inCanary } from './registry/model-stages';
export type { ModelStage } from './registry/model-stages';
export type { CustomerScores, ModelScoreView, ScoreRefusal } from './serving/customer-scoring.service';
export type { SegmentScores, ScoreDistribution } from './serving/segment-scoring.service';
export type { ModelMonitoring, VersionMonitoring } from './monitoring/model-monitoring.service';
export { ServedScoreOutcomes, labelDefinitionFor } from './monitoring/served-score-outcomes';
export type { OutputPerformance, ServedScoreOutcomesOptions, VersionPerformance } from './monitoring/served-score-outcomes';
