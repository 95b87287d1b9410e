import { z } from 'zod';
import { KairosError, fromZodIssues, identifierSchema } from '@kairos/contracts';

/** A content reference as the action catalog spells it (see actionSchema.content.ref). */
export const contentRefSchema = z.string().min(1).max(100);

/** PUT /v1/content-refs/:ref. `version`, when given, is the binding version the reviewer saw (0: unbound). */
export const bindContentRefRequestSchema = z.strictObject({
  draftId: identifierSchema,
  version: z.number().int().min(0).max(1_000_000_000).optional(),
});
export type BindContentRefRequest = z.infer<typeof bindContentRefRequestSchema>;

/** Parses or throws a 400 naming field and rule (never the value). */
export function parseContentRefRequest<T extends z.ZodType>(schema: T, value: unknown, prefix: readonly PropertyKey[] = []): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the request is invalid', fromZodIssues(parsed.error.issues, prefix));
  return parsed.data;
}
