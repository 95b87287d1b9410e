import { z } from 'zod';
import { KairosError, fromZodIssues, identifierSchema } from '@kairos/contracts';

/**
 * The grounds of Art. 17(1) GDPR (a)-(f). A code, not free text: a reason typed by a person could carry personal
 * data into the audit trail, which keeps records for years.
 */
export const ERASURE_GROUNDS = [
  'no_longer_necessary',
  'consent_withdrawn',
  'objection',
  'unlawful_processing',
  'legal_obligation',
  'child_information_society',
] as const;
export type ErasureGround = (typeof ERASURE_GROUNDS)[number];

export const erasureRequestSchema = z.strictObject({ reason: z.enum(ERASURE_GROUNDS).optional() });
export type ErasureRequest = z.infer<typeof erasureRequestSchema>;

export const erasureRequestJsonSchema = z.toJSONSchema(erasureRequestSchema, { io: 'input' }) as Record<string, unknown>;

/** The body is optional: no body (or null) is a request without a stated ground. */
export function parseErasureRequest(body: unknown): ErasureRequest {
  if (body === undefined || body === null) return {};
  const result = erasureRequestSchema.safeParse(body);
  if (!result.success) throw new KairosError('VALIDATION_FAILED', 'the erasure request is not valid', fromZodIssues(result.error.issues));
  return result.data;
}

export function parseErasedCustomerId(value: string): string {
  const result = identifierSchema.safeParse(value);
  if (!result.success) {
    throw new KairosError('VALIDATION_FAILED', 'customerId is not a valid identifier', [{ path: 'customerId', rule: 'invalid_format', message: result.error.issues[0].message }]);
  }
  return result.data;
}
