import { z } from 'zod';
import { AUDIT_RECORD_KINDS, EXPLANATION_LOCALES, decodeAuditCursor, type AuditQuery, type AuditQueryPosition, type ExplanationLocale } from '@kairos/audit';
import { KairosError, fromZodIssues, isoInstantSchema } from '@kairos/contracts';

export const MAX_AUDIT_PAGE = 500;

const filterShape = {
  customerId: z.string().min(1).max(128).optional(),
  kind: z.enum(AUDIT_RECORD_KINDS).optional(),
  decisionId: z.string().min(1).max(128).optional(),
  from: isoInstantSchema.optional(),
  to: isoInstantSchema.optional(),
};
const inOrder = (query: { from?: string; to?: string }) => query.from === undefined || query.to === undefined || Date.parse(query.from) < Date.parse(query.to);
const orderIssue = { path: ['to'], message: 'must be after from' };

const exportQuerySchema = z.strictObject(filterShape).refine(inOrder, orderIssue);
const listQuerySchema = z
  .strictObject({
    ...filterShape,
    cursor: z.string().min(1).max(400).optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_AUDIT_PAGE))
      .optional(),
  })
  .refine(inOrder, orderIssue);
const explanationQuerySchema = z.strictObject({ lang: z.enum(EXPLANATION_LOCALES).optional() });

/** GET /v1/audit/export: the filters. A refusal names the parameter and the rule. */
export function parseAuditExportQuery(query: unknown): AuditQuery {
  return toFilter(parse(exportQuerySchema, query));
}

/** GET /v1/audit: the filters, the cursor (opaque, from a previous page) and the page size (1–500, default 100). */
export function parseAuditListQuery(query: unknown): { filter: AuditQuery; after: AuditQueryPosition | undefined; limit: number } {
  const parsed = parse(listQuerySchema, query);
  let after: AuditQueryPosition | undefined;
  if (parsed.cursor !== undefined) {
    after = decodeAuditCursor(parsed.cursor) ?? undefined;
    if (after === undefined) throw invalid([{ path: 'cursor', rule: 'invalid_cursor', message: 'pass the nextCursor of a previous page unchanged' }]);
  }
  return { filter: toFilter(parsed), after, limit: parsed.limit ?? 100 };
}

export function parseExplanationQuery(query: unknown): ExplanationLocale {
  return parse(explanationQuerySchema, query).lang ?? 'en';
}

export function parseAuditRecordId(id: string): string {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(id)) throw invalid([{ path: 'id', rule: 'invalid_format', message: 'an audit record id has 1 to 64 letters, digits or - _ . :' }]);
  return id;
}

function parse<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw invalid(fromZodIssues(parsed.error.issues));
  return parsed.data;
}

function invalid(issues: ReturnType<typeof fromZodIssues>): KairosError {
  return new KairosError('VALIDATION_FAILED', 'the query parameters are invalid', issues);
}

function toFilter(query: { customerId?: string; kind?: AuditQuery['kind']; decisionId?: string; from?: string; to?: string }): AuditQuery {
  return {
    ...(query.customerId !== undefined ? { subject: query.customerId } : {}),
    ...(query.kind !== undefined ? { kind: query.kind } : {}),
    ...(query.decisionId !== undefined ? { decisionId: query.decisionId } : {}),
    ...(query.from !== undefined ? { fromMs: Date.parse(query.from) } : {}),
    ...(query.to !== undefined ? { toMs: Date.parse(query.to) } : {}),
  };
}
