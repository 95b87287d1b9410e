import { FEATURE_PURPOSES } from '@kairos/profile';
import { z } from 'zod';
import { modelSignatureSchema } from '../signature/model-signature.schema';

export const MODEL_FORMATS = ['tfjs-layers', 'onnx'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

export const MODEL_FAMILIES = ['churn', 'activity', 'propensity', 'other'] as const;

/** Maps a raw model probability p to a calibrated one: sigmoid(a · logit(p) + b) (Platt scaling). */
export const calibrationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('platt'), a: z.number(), b: z.number() }),
]);
export type Calibration = z.infer<typeof calibrationSchema>;

export const EXPLANATION_METHODS = ['integrated_gradients', 'sampled_shapley'] as const;

export const explanationSettingsSchema = z.strictObject({
  method: z.enum(EXPLANATION_METHODS),
  /** Feature values of the reference customer, in the features' own form (as a profile would hold them, days for timestamps). */
  baseline: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
  /** Riemann steps for integrated gradients, permutations for sampled Shapley. */
  steps: z.int().min(1).max(1024),
  /** Reason codes returned per output. */
  topReasons: z.int().min(0).max(20).default(3),
});
export type ExplanationSettings = z.output<typeof explanationSettingsSchema>;

const metricsSchema = z.strictObject({
  n: z.int().min(0),
  positives: z.int().min(0),
  baseRate: z.number(),
  auc: z.number().nullable(),
  brier: z.number(),
  ece: z.number(),
  logLoss: z.number(),
  meanScore: z.number(),
});
const segmentMetricsSchema = z.union([metricsSchema, z.strictObject({ n: z.int().min(0), tooSmall: z.literal(true) })]);

/** Quantile bins of a distribution at training time: the reference for population stability (PSI). */
export const distributionBinsSchema = z.strictObject({
  /** Upper bin edges, ascending; bin i holds (edges[i−1], edges[i]], the last bin everything above. */
  edges: z.array(z.number()),
  proportions: z.array(z.number().min(0).max(1)),
});
export type DistributionBins = z.infer<typeof distributionBinsSchema>;

export const modelCardSchema = z.strictObject({
  schemaVersion: z.literal(1),
  modelId: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be a lowercase id such as churn or propensity-cards'),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version such as 1.0.0'),
  family: z.enum(MODEL_FAMILIES),
  title: z.string().min(1).max(200),
  format: z.enum(MODEL_FORMATS),
  /** ONNX only: the graph's input, and which output holds probabilities (rows × outputs). */
  onnx: z.strictObject({ inputName: z.string().min(1), outputName: z.string().min(1) }).optional(),
  purposes: z.array(z.enum(FEATURE_PURPOSES)).min(1),
  intendedUse: z.string().min(1).max(4000),
  outOfScope: z.array(z.string().min(1).max(1000)).default([]),
  signature: modelSignatureSchema,
  /** Per output name; missing outputs are not calibrated. */
  calibration: z.record(z.string(), calibrationSchema).default({}),
  explanation: explanationSettingsSchema,
  data: z
    .strictObject({
      source: z.string().max(2000),
      rows: z.record(z.string(), z.int().min(0)),
      cutoffs: z.array(z.string()).default([]),
      labels: z.record(z.string(), z.string()).default({}),
      registryFingerprint: z.string().optional(),
    })
    .optional(),
  training: z
    .strictObject({
      command: z.string().max(500),
      seed: z.int(),
      framework: z.string().max(200),
      backend: z.string().max(50),
      architecture: z.string().max(500),
      epochs: z.int().min(0),
      durationSeconds: z.number().min(0),
      datasetSeconds: z.number().min(0).optional(),
      parameters: z.int().min(0),
      artifactBytes: z.int().min(0).optional(),
    })
    .optional(),
  metrics: z
    .strictObject({
      /** Where the figures come from, e.g. "held-out simulated population (seed 1002)". */
      dataset: z.string().max(500),
      holdout: z.record(z.string(), metricsSchema),
      bySegment: z.record(z.string(), z.record(z.string(), z.record(z.string(), segmentMetricsSchema))).default({}),
      /** Per output: the same metrics without calibration, so the effect of calibration is visible. */
      uncalibrated: z.record(z.string(), metricsSchema).optional(),
    })
    .optional(),
  monitoring: z
    .strictObject({
      features: z.record(z.string(), distributionBinsSchema),
      scores: z.record(z.string(), distributionBinsSchema),
    })
    .optional(),
  fairness: z
    .strictObject({
      monitoredGroups: z.array(z.string()).default([]),
      note: z.string().max(2000).optional(),
    })
    .optional(),
  limitations: z.array(z.string().min(1).max(2000)).default([]),
  createdAt: z.string().optional(),
});
export type ModelCard = z.output<typeof modelCardSchema>;
export type ModelCardDeclaration = z.input<typeof modelCardSchema>;
export type SegmentMetrics = z.infer<typeof segmentMetricsSchema>;
