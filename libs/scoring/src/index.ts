// Features the shipped models read (to be folded by the serving registry as well).
export { SCORING_FEATURES, scoringFeatureRegistry } from './features/scoring-features';
export type { SegmentModelMatrix } from './features/segment-feature-matrix';
export { encodeSegmentFeatures } from './features/segment-feature-matrix';

// Point-in-time datasets.
export type { DatasetRow, PointInTimeDataset, PointInTimeOptions } from './datasets/point-in-time-dataset';
export { buildPointInTimeDataset } from './datasets/point-in-time-dataset';
export type { LabelDefinition } from './datasets/dataset-labels';
export { CUSTOMER_INITIATED_EVENT_TYPES, activeWithin, churnedWithin, openedWithin } from './datasets/dataset-labels';
export type { AgeBand, DatasetSegments } from './datasets/dataset-segments';
export { AGE_BANDS, ageBandOf, segmentsOf } from './datasets/dataset-segments';
export type { DatasetLine } from './datasets/dataset-ndjson';
export { fromDatasetLine, readDatasetNdjson, toDatasetLine, writeDatasetNdjson } from './datasets/dataset-ndjson';
export { parseInstantMs } from './datasets/instant-parser';

// Signatures and cards.
export type { FeatureInput, FeatureInputDeclaration, MissingValuePolicy, ModelOutput, ModelSignature } from './signature/model-signature.schema';
export { featureInputSchema, missingValuePolicySchema, modelSignatureSchema, signatureWidth } from './signature/model-signature.schema';
export type { EncodingOutcome, FeatureValues, MissingFeature, MissingKind } from './signature/feature-vector-encoder';
export { FeatureVectorEncoder } from './signature/feature-vector-encoder';
export { MONITORING_ONLY_ATTRIBUTES, checkSignature } from './signature/signature-check';
export type { Calibration, DistributionBins, ExplanationSettings, ModelCard, ModelCardDeclaration, ModelFormat, SegmentMetrics } from './card/model-card.schema';
export { MODEL_FAMILIES, MODEL_FORMATS, calibrationSchema, modelCardSchema } from './card/model-card.schema';
export { parseModelCard } from './card/model-card';
export { renderModelCard } from './card/model-card-markdown';

// Runtimes and scoring.
export type { ModelRunner } from './runtime/model-runner';
export type {
  FeatureAttribution,
  OutputExplanation,
  ReasonCode,
  RefusedResult,
  ScoreExplanation,
  ScoreOptions,
  ScoreRequest,
  ScoreResult,
  ScoredOutput,
  ScoredResult,
} from './runtime/score-result';
export { ModelScorer } from './runtime/model-scorer';
export type { MicroBatcherOptions } from './runtime/micro-batcher';
export { MicroBatcher } from './runtime/micro-batcher';
export type { BatchScores } from './runtime/batch-scoring';
export { scoreInChunks } from './runtime/batch-scoring';
export { readSignatureFeatures, signatureFeatureNames, storeFeatureRows } from './runtime/profile-features';
export type { TensorflowBackendName } from './tfjs/tensorflow-backend';
export { prepareTensorflow } from './tfjs/tensorflow-backend';
export type { LayersModelBytes } from './tfjs/layers-model-files';
export { MODEL_JSON_FILE, WEIGHTS_FILE, decodeLayersModel, encodeLayersModel, layersModelFiles, layersModelFromBytes } from './tfjs/layers-model-files';
export { DenseNetwork } from './tfjs/dense-network';
export type { TfjsRunnerOptions } from './tfjs/tfjs-layers-runner';
export { TfjsLayersRunner } from './tfjs/tfjs-layers-runner';
export type { OnnxRunnerOptions } from './onnx/onnx-runner';
export { OnnxRunner } from './onnx/onnx-runner';
export type { OnnxAttribute, OnnxFloatTensor, OnnxGraph, OnnxModelOptions, OnnxNode, OnnxValueInfo } from './onnx/onnx-model-writer';
export { encodeOnnxModel } from './onnx/onnx-model-writer';
export { logisticRegressionOnnx } from './onnx/logistic-regression-onnx';

// Explanations.
export type { ColumnAttributions } from './explain/integrated-gradients';
export { integratedGradients } from './explain/integrated-gradients';
export type { GroupAttributions } from './explain/sampled-shapley';
export { sampledShapley } from './explain/sampled-shapley';
export type { ReasonPhrase } from './explain/reason-phrases';
export { REASON_PHRASES, reasonPhraseFor } from './explain/reason-phrases';

// Metrics and calibration.
export type { ClassificationMetrics, ScoredOutcomes } from './metrics/classification-metrics';
export { areaUnderRoc, brierScore, classificationMetrics, expectedCalibrationError, logLoss, metricsBySegment } from './metrics/classification-metrics';
export { calibrate, fitPlattCalibration, logit, sigmoid } from './metrics/platt-calibration';

// Monitoring.
export { binOf, binProportions, populationStabilityIndex, referenceBins, stabilityAgainst } from './monitoring/population-stability';
export type { LabelledScore, PeriodPerformance } from './monitoring/performance-over-time';
export { performanceOverTime } from './monitoring/performance-over-time';
export type { DisparateImpact, GroupSelection } from './monitoring/disparate-impact';
export { disparateImpact } from './monitoring/disparate-impact';
export type { AlertKind, DriftReport, MonitoringAlert, MonitoringThresholds } from './monitoring/monitoring-alerts';
export { DEFAULT_MONITORING_THRESHOLDS, driftAgainstCard, monitoringAlerts } from './monitoring/monitoring-alerts';

// Training.
export type { PlannedInput } from './training/input-statistics';
export type { NetworkSettings, TrainingLog } from './training/classifier-network';
export type { ClassifierData, ClassifierSpec, TrainedClassifier } from './training/train-classifier';
export { trainClassifier } from './training/train-classifier';
export type { OutputEvaluation } from './training/model-evaluation';
export { evaluateOnRows } from './training/model-evaluation';
export { seededRandom } from '@kairos/random';
