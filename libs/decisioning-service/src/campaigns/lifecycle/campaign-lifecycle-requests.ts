import { KairosError, fromZodIssues, identifierSchema } from '@kairos/contracts';
import { z } from 'zod';

/** POST /v1/campaigns and PUT /v1/campaigns/{id}: the campaign (checked field by field later) and why. */
export const campaignWriteRequestSchema = z.strictObject({
  campaign: z.record(z.string(), z.unknown()),
  reason: z.string().min(1).max(500).optional(),
});
export type CampaignWriteRequest = z.infer<typeof campaignWriteRequestSchema>;

/** submit, approve, retire: an optional reason for the audit trail. */
export const campaignTransitionRequestSchema = z.strictObject({ reason: z.string().min(1).max(500).optional() });
export type CampaignTransitionRequest = z.infer<typeof campaignTransitionRequestSchema>;

/** Parses a body (absent = `{}`) or a path id, naming the field and rule of the first problem. */
export function parseCampaignRequest<T extends z.ZodType>(schema: T, value: unknown, prefix: readonly PropertyKey[] = []): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the request is invalid', fromZodIssues(parsed.error.issues, prefix));
  return parsed.data;
}

export const campaignIdSchema = identifierSchema;
