import { z } from 'zod';
import { EXPLANATION_LOCALES, type ExplanationLocale } from '@kairos/audit';
import { KairosError, fromZodIssues, identifierSchema } from '@kairos/contracts';
import { DECISION_CHANNELS, MAX_DECISION_LIMIT, type DecisionChannel, type ContextValue } from '@kairos/decisioning';

/** Context is a flat record the catalog's expressions read as `context.<key>`: small, scalar, no personal data expected. */
export const MAX_CONTEXT_KEYS = 32;
const contextKeySchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be 1-64 letters, digits or _ starting with a letter');
const contextValueSchema = z.union([z.string().max(256), z.number().finite().gte(-1e12).lte(1e12), z.boolean(), z.null()]);

export const decisionRequestSchema = z.strictObject({
  customerId: identifierSchema,
  channel: z.enum(DECISION_CHANNELS),
  placement: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 letters, digits or . _ : -').optional(),
  context: z
    .record(contextKeySchema, contextValueSchema)
    .refine((context) => Object.keys(context).length <= MAX_CONTEXT_KEYS, `at most ${MAX_CONTEXT_KEYS} keys`)
    .optional(),
  limit: z.number().int().min(1).max(MAX_DECISION_LIMIT).optional(),
});

/** The OpenAPI body schema, generated from the zod schema that validates the request. */
export const decisionRequestJsonSchema = z.toJSONSchema(decisionRequestSchema, { unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;

export interface DecisionApiRequest {
  readonly customerId: string;
  readonly channel: DecisionChannel;
  readonly placement?: string;
  readonly context?: Readonly<Record<string, ContextValue>>;
  readonly limit?: number;
}

/** Validates `POST /v1/decisions`; a refusal names each field and rule, never the value. */
export function parseDecisionRequest(body: unknown): DecisionApiRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new KairosError('VALIDATION_FAILED', 'the body must be a decision request object', [{ path: '(root)', rule: 'invalid_type', message: 'expected an object' }]);
  }
  const parsed = decisionRequestSchema.safeParse(body);
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the decision request is invalid', fromZodIssues(parsed.error.issues));
  return parsed.data;
}

const DECISION_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

export function parseDecisionId(id: string): string {
  if (!DECISION_ID.test(id)) throw new KairosError('VALIDATION_FAILED', 'invalid decision id', [{ path: 'id', rule: 'invalid_format', message: 'a decision id has 1 to 128 letters, digits or . _ : @ -' }]);
  return id;
}

const explanationQuerySchema = z.strictObject({ lang: z.enum(EXPLANATION_LOCALES).optional() });

export function parseDecisionExplanationQuery(query: unknown): ExplanationLocale {
  const parsed = explanationQuerySchema.safeParse(query ?? {});
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'invalid query', fromZodIssues(parsed.error.issues));
  return parsed.data.lang ?? 'en';
}

/** `x-kairos-forwarded`: how often a request was already relayed to an owner (absent: 0; anything else counts as 1). */
export function forwardedHops(header: string | string[] | undefined): number {
  if (header === undefined) return 0;
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isInteger(value) && value >= 1 && value <= 10 ? value : 1;
}
