import { z } from 'zod';
import { KairosError, fromZodIssues } from '@kairos/contracts';
import { MODEL_STAGES } from '../registry/model-stages';

/** Largest decoded artifact an upload may carry (the HTTP body limit usually stops larger bodies first). */
export const MAX_ARTIFACT_BYTES = 8 * 1024 * 1024;
const MAX_HOLDOUT_ROWS = 20_000;

const base64 = z
  .string()
  .min(4)
  .max(Math.ceil((MAX_ARTIFACT_BYTES * 4) / 3) + 4)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');

export const modelArtifactSchema = z.discriminatedUnion('format', [
  z.strictObject({ format: z.literal('tfjs-layers'), modelJson: base64, weights: base64 }),
  z.strictObject({ format: z.literal('onnx'), onnx: base64 }),
]);
export type ModelArtifactUpload = z.infer<typeof modelArtifactSchema>;

const holdoutRowSchema = z.strictObject({
  features: z.record(z.string().max(64), z.union([z.number(), z.boolean(), z.string().max(64), z.null()])),
  /** The instant features are read at (timestamps are relative to it); default: now. */
  asOfMs: z.int().min(0).optional(),
  /** Per output name (or the label it was trained on): the observed outcome, null when it does not apply. */
  labels: z.record(z.string().max(100), z.boolean().nullable()),
  segments: z.strictObject({ ageBand: z.string().max(32) }).optional(),
});
export type HoldoutRowUpload = z.infer<typeof holdoutRowSchema>;

export const uploadModelRequestSchema = z.strictObject({
  /** The model card (signature, purposes, calibration, explanation settings); parsed by @kairos/scoring. */
  card: z.record(z.string(), z.unknown()),
  artifact: modelArtifactSchema,
  /** Labelled rows to evaluate on; without them the registry uses its own held-out population. */
  holdout: z
    .strictObject({
      description: z.string().min(1).max(500),
      rows: z.array(holdoutRowSchema).min(1).max(MAX_HOLDOUT_ROWS),
    })
    .optional(),
});
export type UploadModelRequest = z.infer<typeof uploadModelRequestSchema>;

export const stageChangeRequestSchema = z.strictObject({
  stage: z.enum(MODEL_STAGES),
  /** Canary only: the share of customers (percent) the canary serves. */
  sharePercent: z.number().min(0.01).max(99.99).optional(),
  reason: z.string().min(1).max(500),
});
export type StageChangeRequest = z.infer<typeof stageChangeRequestSchema>;

export const rollbackRequestSchema = z.strictObject({ reason: z.string().min(1).max(500) });

const identifier = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be a model id such as churn');
export const modelIdSchema = identifier;
export const versionSchema = z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version such as 1.0.0');

export const scoreRequestSchema = z.strictObject({
  customerId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'must be a pseudonymous customer id'),
  models: z.array(identifier).min(1).max(20).optional(),
});
export type CustomerScoreRequest = z.infer<typeof scoreRequestSchema>;

export const batchScoreRequestSchema = z.strictObject({
  /** Default: the production version. */
  version: versionSchema.optional(),
  /** Scores at or above count as selected (distribution report, fairness). */
  threshold: z.number().min(0).max(1).default(0.5),
});
export type BatchScoreRequest = z.infer<typeof batchScoreRequestSchema>;

export const monitoringQuerySchema = z.strictObject({
  threshold: z.coerce.number().min(0).max(1).default(0.5),
});

/** Parses an untrusted value; refusals name field and rule (400). */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown, prefix: readonly PropertyKey[] = []): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the request is invalid', fromZodIssues(parsed.error.issues, prefix));
  return parsed.data;
}
