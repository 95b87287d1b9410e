import { z } from 'zod';
import { KairosError, fromZodIssues } from '@kairos/contracts';
import { decisionChannelSchema } from '@kairos/decisioning';
import { ruleSetTestCasesSchema } from '../rule-set/rule-set-test-cases';

/** Request shapes of /v1/rule-sets. Each is strict: an unknown field is a 400 naming it. */
export const ruleSetIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'letters, digits, _ . - (at most 100)');
const dmnXml = z.string().min(1).max(512 * 1024);
const reason = z.string().trim().min(1).max(500);
const version = z.coerce.number().int().min(1).max(1_000_000);

export const createRuleSetRequestSchema = z.strictObject({
  id: ruleSetIdSchema,
  name: z.string().trim().min(1).max(200).optional(),
  dmnXml,
  testCases: ruleSetTestCasesSchema.default([]),
});

export const editRuleSetRequestSchema = z
  .strictObject({ version, name: z.string().trim().min(1).max(200).optional(), dmnXml: dmnXml.optional(), testCases: ruleSetTestCasesSchema.optional() })
  .refine((edit) => edit.name !== undefined || edit.dmnXml !== undefined || edit.testCases !== undefined, { message: 'an edit changes name, dmnXml or testCases', path: ['dmnXml'] });

export const transitionRequestSchema = z.strictObject({ version: version.optional(), reason: reason.optional() }).default({});

export const versionQuerySchema = z.strictObject({ version: version.optional() });
export const listQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100), after: ruleSetIdSchema.optional() });

const partitions = z.array(z.number().int().min(0).max(10_000)).min(1).max(1_024).optional();
export const simulateRuleSetRequestSchema = z.strictObject({
  version: version.optional(),
  decision: z.string().min(1).max(200).optional(),
  source: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('history'), partitions }),
    z.strictObject({ kind: z.literal('profiles'), partitions }),
    z.strictObject({
      kind: z.literal('population'),
      seed: z.number().int().min(0).max(2 ** 31 - 1),
      customers: z.number().int().min(1).max(5_000),
      days: z.number().int().min(1).max(120),
      startDate: z.iso.date().optional(),
    }),
  ]),
  channels: z.array(decisionChannelSchema).min(1).max(11).optional(),
  context: z.record(z.string().min(1).max(100), z.union([z.string().max(200), z.number(), z.boolean(), z.null()])).optional(),
  limits: z
    .strictObject({
      maxCustomers: z.number().int().min(1).max(50_000).default(5_000),
      maxEvents: z.number().int().min(1).max(2_000_000).default(200_000),
      maxDays: z.number().int().min(1).max(366).default(92),
    })
    .default({ maxCustomers: 5_000, maxEvents: 200_000, maxDays: 92 }),
});
export type SimulateRuleSetRequest = z.infer<typeof simulateRuleSetRequestSchema>;

/** Parses a body, query or path parameter; a missing body reads as `{}`. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, prefix: readonly PropertyKey[] = []): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the request is invalid', fromZodIssues(parsed.error.issues, prefix));
  return parsed.data;
}
