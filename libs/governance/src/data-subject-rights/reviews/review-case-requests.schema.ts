import { z } from 'zod';
import { KairosError, fromZodIssues, identifierSchema } from '@kairos/contracts';
import { REVIEW_CASE_STATUSES, REVIEW_OUTCOMES, ReviewTransition } from './review-case';

const freeText = z.string().trim().min(1).max(4_000);

/** Art. 22(3): the person asks for a human to look at the decision, and may state their point of view. */
export const openReviewRequestSchema = z.strictObject({ decisionId: identifierSchema, statement: freeText.optional() });
export type OpenReviewRequest = z.infer<typeof openReviewRequestSchema>;

const version = z.int().min(1);
export const reviewTransitionSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('in_review'), version }),
  z.strictObject({ status: z.literal('decided'), version, outcome: z.enum(REVIEW_OUTCOMES), note: freeText.optional() }),
]);

export const reviewListQuerySchema = z.strictObject({
  status: z.enum(REVIEW_CASE_STATUSES).optional(),
  limit: z.coerce.number().pipe(z.int().min(1).max(100)).default(50),
  cursor: z.string().max(200).optional(),
});
export type ReviewListQuery = z.infer<typeof reviewListQuerySchema>;

const cursorSchema = z.strictObject({ t: z.int().min(0), id: identifierSchema });
export type ReviewCursor = { readonly openedAtMs: number; readonly id: string };

export const openReviewRequestJsonSchema = z.toJSONSchema(openReviewRequestSchema, { io: 'input' }) as Record<string, unknown>;
export const reviewTransitionJsonSchema = z.toJSONSchema(reviewTransitionSchema, { io: 'input' }) as Record<string, unknown>;

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new KairosError('VALIDATION_FAILED', `the ${what} is not valid`, fromZodIssues(result.error.issues));
  return result.data;
}

export const parseOpenReviewRequest = (body: unknown): OpenReviewRequest => parse(openReviewRequestSchema, body, 'review request');
export const parseReviewTransition = (body: unknown): ReviewTransition => parse(reviewTransitionSchema, body, 'case change');
export const parseReviewListQuery = (query: unknown): ReviewListQuery => parse(reviewListQuerySchema, query ?? {}, 'query');

/** Opaque to clients: base64url of the last row's opening time and id. */
export function encodeCursor(cursor: ReviewCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.openedAtMs, id: cursor.id })).toString('base64url');
}

export function decodeCursor(value: string): ReviewCursor {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    raw = null;
  }
  const result = cursorSchema.safeParse(raw);
  if (!result.success) throw new KairosError('VALIDATION_FAILED', 'the cursor is not valid', [{ path: 'cursor', rule: 'invalid_cursor', message: 'pass back nextCursor unchanged' }]);
  return { openedAtMs: result.data.t, id: result.data.id };
}
