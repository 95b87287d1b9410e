import { z } from 'zod';

/** POST /v1/trigger-sets and PUT /v1/trigger-sets/{version}: the trigger document (checked field by field later) and why. */
export const triggerSetWriteRequestSchema = z.strictObject({
  document: z.record(z.string(), z.unknown()),
  reason: z.string().min(1).max(500).optional(),
});

/** A version number in a path: a positive integer, written plainly. */
export const triggerSetVersionSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, 'must be a positive version number')
  .transform(Number);
