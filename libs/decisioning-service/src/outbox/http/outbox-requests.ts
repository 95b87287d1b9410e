import { z } from 'zod';
import { KairosError, fromZodIssues, identifierSchema } from '@kairos/contracts';
import { DECISION_CHANNELS } from '@kairos/decisioning';

/** GET /v1/outbox: one channel's feed after a cursor (the last `feedSeq` read; 0 or absent = from the start). */
export const outboxFeedQuerySchema = z.strictObject({
  channel: z.enum(DECISION_CHANNELS),
  after: z.string().regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a feed cursor (a non-negative integer)').transform(Number).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const outboxAckParamsSchema = z.strictObject({ decisionId: identifierSchema, actionId: identifierSchema });

export function parseOutboxRequest<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the request is invalid', fromZodIssues(parsed.error.issues));
  return parsed.data;
}
