import { z } from 'zod';
import { KairosError, fromZodIssues } from '@kairos/contracts';
import { AUDIT_RECORD_KINDS, type AuditRecordDraft } from './audit-record';

const identifier = z.string().min(1).max(128);
const label = z.string().min(1).max(200);
const scalar = z.union([z.number(), z.string().max(2_000), z.boolean(), z.null()]);
/**
 * Free-form members (output, personal data). That they have exactly one JSON form is checked when they are encoded
 * (canonicalJson refuses NaN, Dates, class instances, … and names the path): z.json() would walk them a second
 * time, at a quarter of the cost of the whole draft.
 */
const jsonObject = z.record(z.string().max(200), z.unknown());

const actorSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('component'), component: label, version: label }),
  z.strictObject({ type: z.literal('principal'), principalId: identifier, role: label }),
]);

const logicSchema = z.strictObject({
  rules: z
    .array(z.strictObject({ ruleSetId: identifier, version: label, tableId: identifier, rowIds: z.array(identifier).max(1_000) }))
    .max(100)
    .optional(),
  models: z
    .array(
      z.strictObject({
        modelId: identifier,
        version: label,
        stage: label,
        score: z.number(),
        attributions: z.array(z.strictObject({ feature: label, contribution: z.number() })).max(1_000),
      }),
    )
    .max(50)
    .optional(),
  triggerId: identifier.optional(),
  contentVersion: label.optional(),
  seeds: z.record(label, z.number()).optional(),
});

const consentSchema = z.strictObject({
  asOfOffset: z.number().int().min(-1),
  grants: z.array(z.strictObject({ purpose: label, channel: label.nullable(), status: label })).max(200),
  objections: z.array(label).max(50),
});

/**
 * The shape every audit draft must have; the journal refuses anything else before it touches a chain. The journal's
 * hot path applies these rules without zod (encodeDraftFast in audit-draft-encoding.ts) and a seeded property test
 * compares them at the edges of every rule: change a rule in both places (a rule loosened only here merely sends
 * those drafts through zod, slowly; one tightened only here is what that test exists to catch).
 */
export const auditRecordDraftSchema = z
  .strictObject({
    kind: z.enum(AUDIT_RECORD_KINDS),
    actor: actorSchema,
    subject: identifier.optional(),
    decisionId: identifier.optional(),
    inputs: z.array(z.strictObject({ feature: label, value: scalar })).max(2_000).optional(),
    logic: logicSchema.optional(),
    consent: consentSchema.optional(),
    output: jsonObject.optional(),
    reasons: z.array(z.string().min(1).max(500)).max(200).optional(),
    counterfactuals: z
      .array(z.strictObject({ feature: label, actual: scalar, threshold: scalar, wouldResultIn: label }))
      .max(50)
      .optional(),
    personalData: jsonObject.optional(),
    occurredAtMs: z.number().int().min(0).max(8_640_000_000_000_000).optional(),
  })
  .refine((draft) => draft.personalData === undefined || draft.subject !== undefined, {
    path: ['personalData'],
    message: 'personal data needs a subject, whose key seals it',
  });

/** Validates a draft; a refusal names field and rule (never the value) and maps to 400. */
export function parseAuditDraft(draft: unknown): AuditRecordDraft {
  const parsed = auditRecordDraftSchema.safeParse(draft);
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the audit record draft is invalid', fromZodIssues(parsed.error.issues));
  return parsed.data as AuditRecordDraft;
}
