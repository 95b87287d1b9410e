import { z } from 'zod';
import { KairosError, fromZodIssues, identifierSchema } from '@kairos/contracts';
import { CONTENT_CHANNELS, CONTENT_HASH_PATTERN, CONTENT_LANGUAGES, DRAFT_STATUSES, channelVariantSchema, isWellFormedText, stripInvisible } from '@kairos/content';

/** Request shapes of /v1/content-drafts. Each is strict: an unknown field is a 400 naming it. */
export const createDraftRequestSchema = z.strictObject({
  brief: z.record(z.string(), z.unknown()),
  drafter: z.enum(['auto', 'template', 'llm']).default('auto'),
});
/** Callers may leave out `drafter` ("auto"). */
export type CreateDraftRequest = z.input<typeof createDraftRequestSchema>;

/** Reasons are shown to people and kept in the journal: visible, well-formed text only. */
const reason = z
  .string()
  .max(2_000)
  .transform(stripInvisible)
  .pipe(z.string().trim().min(1, 'must not be empty').max(500).refine(isWellFormedText, 'must be well-formed Unicode'));

export const editDraftRequestSchema = z
  .strictObject({
    baseRevision: z.number().int().min(1).max(100_000),
    body: z.array(channelVariantSchema).min(1).max(15).optional(),
    locale: z.enum(CONTENT_LANGUAGES).optional(),
    reason: reason.optional(),
  })
  .refine((edit) => edit.body !== undefined || edit.locale !== undefined, { message: 'an edit changes body or locale', path: ['body'] });
export type EditDraftRequest = z.infer<typeof editDraftRequestSchema>;

export const submitDraftRequestSchema = z.strictObject({ revision: z.number().int().min(1).max(100_000), reason: reason.optional() });
export type SubmitDraftRequest = z.infer<typeof submitDraftRequestSchema>;

export const approveDraftRequestSchema = z.strictObject({
  contentHash: z.string().regex(CONTENT_HASH_PATTERN, 'must be sha256:<64 hex digits>'),
  validUntil: z.iso.datetime({ offset: true }).optional(),
  reason: reason.optional(),
});
export type ApproveDraftRequest = z.infer<typeof approveDraftRequestSchema>;

export const reviewReasonRequestSchema = z.strictObject({ reason });
export type ReviewReasonRequest = z.infer<typeof reviewReasonRequestSchema>;

const STATUS_FILTERS = [...DRAFT_STATUSES] as const;

export const queueQuerySchema = z.strictObject({
  status: z
    .string()
    .max(200)
    .transform((value) => value.split(','))
    .pipe(z.array(z.enum(STATUS_FILTERS)).min(1))
    .optional(),
  channel: z.enum(CONTENT_CHANNELS).optional(),
  language: z.enum(CONTENT_LANGUAGES).optional(),
  authorId: identifierSchema.optional(),
  campaignId: identifierSchema.optional(),
  customerId: identifierSchema.optional(),
  hasBlockingFindings: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z
    .string()
    .regex(/^\d{1,16}~[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'must be a cursor returned as nextCursor')
    .transform((cursor) => {
      const [ms, draftId] = cursor.split('~');
      return { updatedAtMs: Number(ms), draftId };
    })
    .optional(),
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;

export const draftIdSchema = identifierSchema;

export const draftViewQuerySchema = z.strictObject({ diffFrom: z.coerce.number().int().min(1).max(100_000).optional() });

/** Parses or throws VALIDATION_FAILED with zod's issues (which never echo input values). */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown, prefix: readonly PropertyKey[] = []): z.infer<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the request is invalid', fromZodIssues(parsed.error.issues, prefix));
  return parsed.data;
}
