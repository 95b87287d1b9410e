import { z } from 'zod';

const featureName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a snake_case feature name');

/**
 * What a model does when a feature has no value (never seen, or of the wrong type): substitute a declared value,
 * or refuse to score the customer. A model never scores on an undefined input and the runtime never crashes.
 */
export const missingValuePolicySchema = z.discriminatedUnion('strategy', [
  z.strictObject({
    strategy: z.literal('impute'),
    /** In the feature's own unit before transforms: a number, true/false, a category, or days for timestamps. */
    value: z.union([z.number(), z.boolean(), z.string()]),
  }),
  z.strictObject({ strategy: z.literal('refuse') }),
]);
export type MissingValuePolicy = z.infer<typeof missingValuePolicySchema>;

export const FEATURE_TRANSFORMS = ['identity', 'log1p'] as const;

/**
 * One input feature of a model, read from the profile by name. Encoding: numbers as they are, booleans as 0/1,
 * timestamps as days before the scoring instant (`asOf`), strings one-hot over `categories` (an unknown category is
 * all zeros); then `transform` (log1p keeps the sign), `clip`, and `(x − center) / scale`.
 */
export const featureInputSchema = z
  .strictObject({
    name: featureName,
    type: z.enum(['number', 'boolean', 'timestamp', 'string']),
    transform: z.enum(FEATURE_TRANSFORMS).default('identity'),
    categories: z.array(z.string().min(1).max(64)).min(1).max(64).optional(),
    missing: missingValuePolicySchema,
    clip: z.tuple([z.number(), z.number()]).optional(),
    center: z.number().default(0),
    scale: z.number().positive().default(1),
  })
  .refine((input) => (input.type === 'string') === (input.categories !== undefined), {
    message: 'string features need categories (one-hot), and only string features take them',
    path: ['categories'],
  })
  .refine((input) => input.clip === undefined || input.clip[0] <= input.clip[1], { message: 'clip must be [min, max] with min ≤ max', path: ['clip'] });
export type FeatureInput = z.output<typeof featureInputSchema>;
export type FeatureInputDeclaration = z.input<typeof featureInputSchema>;

export const modelOutputSchema = z.strictObject({
  /** snake_case, e.g. `churn_90d` or `credit_card`. */
  name: featureName,
  description: z.string().min(1).max(500),
  /** The dataset label the output was trained on, e.g. `churned_within_90d`. */
  label: z.string().min(1).max(100).optional(),
});
export type ModelOutput = z.infer<typeof modelOutputSchema>;

/** The contract between a model and the profile: which features it reads, how they are encoded, what it returns. */
export const modelSignatureSchema = z
  .strictObject({
    inputs: z.array(featureInputSchema).min(1).max(512),
    outputs: z.array(modelOutputSchema).min(1).max(32),
  })
  .refine((signature) => new Set(signature.inputs.map((input) => input.name)).size === signature.inputs.length, {
    message: 'each feature may appear once',
    path: ['inputs'],
  })
  .refine((signature) => new Set(signature.outputs.map((output) => output.name)).size === signature.outputs.length, {
    message: 'output names must be unique',
    path: ['outputs'],
  });
export type ModelSignature = z.output<typeof modelSignatureSchema>;

/** Columns the encoded vector has for one input (one-hot strings take one per category). */
export function inputWidth(input: FeatureInput): number {
  return input.type === 'string' ? input.categories!.length : 1;
}

export function signatureWidth(signature: ModelSignature): number {
  return signature.inputs.reduce((width, input) => width + inputWidth(input), 0);
}
