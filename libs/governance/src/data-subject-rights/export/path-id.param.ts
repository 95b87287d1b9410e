import { KairosError, identifierSchema } from '@kairos/contracts';

/** A customer or case id taken from the path: validated, never echoed back in the error. */
export function parseIdParam(value: string, field: string): string {
  const parsed = identifierSchema.safeParse(value);
  if (!parsed.success) {
    throw new KairosError('VALIDATION_FAILED', `${field} is not a valid identifier`, [{ path: field, rule: 'invalid_format', message: parsed.error.issues[0].message }]);
  }
  return parsed.data;
}
