import { z } from 'zod';
import { OBJECTION_SCOPES } from '@kairos/consent';
import { KairosError, eventDataSchemas, fromZodIssues, identifierSchema } from '@kairos/contracts';

/** One consent change as a caller sends it: the catalog's `consent_changed` data without `consentId`, which the server assigns. */
export const consentChangeRequestSchema = eventDataSchemas.consent_changed.omit({ consentId: true });
export type ConsentChangeRequest = z.infer<typeof consentChangeRequestSchema>;

/** Changes per request: one customer's consent form rarely has more than a handful of boxes. */
export const MAX_CONSENT_CHANGES = 50;
export const consentChangeBatchSchema = z.strictObject({ changes: z.array(consentChangeRequestSchema).min(1).max(MAX_CONSENT_CHANGES) });

/** An Art. 21 objection; `requestId` names the data-subject request it answers (assigned when absent). */
export const objectionRequestSchema = z.strictObject({ scope: z.enum(OBJECTION_SCOPES), requestId: identifierSchema.max(100).optional() });
export type ObjectionRequest = z.infer<typeof objectionRequestSchema>;

/** The changes of one PUT; `batch` tells how the caller sent them, so later issues name the same paths. */
export interface ConsentChangeBatch {
  readonly changes: readonly ConsentChangeRequest[];
  readonly batch: boolean;
}

/** A PUT body is one change, or `{ "changes": [...] }`. Every issue names its field (`changes[2].status`) and rule. */
export function parseConsentChanges(body: unknown): ConsentChangeBatch {
  requireObject(body);
  if ('changes' in body) return { changes: parsed(consentChangeBatchSchema, body).changes, batch: true };
  return { changes: [parsed(consentChangeRequestSchema, body)], batch: false };
}

export function parseObjection(body: unknown): ObjectionRequest {
  requireObject(body);
  return parsed(objectionRequestSchema, body);
}

export function parseCustomerId(value: string): string {
  const result = identifierSchema.safeParse(value);
  if (result.success) return result.data;
  throw new KairosError('VALIDATION_FAILED', 'customerId is not a valid identifier', [{ path: 'customerId', rule: 'invalid_format', message: result.error.issues[0].message }]);
}

function requireObject(body: unknown): asserts body is object {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return;
  throw new KairosError('VALIDATION_FAILED', 'the body must be a JSON object', [{ path: '(root)', rule: 'invalid_type', message: 'expected object' }]);
}

function parsed<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = fromZodIssues(result.error.issues);
  throw new KairosError('VALIDATION_FAILED', `${issues[0].path}: ${issues[0].message}`, issues);
}
