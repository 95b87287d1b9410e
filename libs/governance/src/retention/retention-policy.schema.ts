import { z } from 'zod';

/** Every category of data Kairos keeps, each with its own window in governance/retention.json. */
export const RETENTION_CATEGORIES = [
  'raw_events',
  'parked_events',
  'event_index',
  'trigger_traces',
  'profiles',
  'snapshots',
  'audit',
  'consent_records',
  'review_cases',
  'drafts',
] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

/**
 * The EU AI Act's floor for the logs of high-risk systems: at least six months (Art. 19(1), 26(6)). 183 days is six
 * months of any six calendar months.
 */
export const AUDIT_MINIMUM_DAYS = 183;

export const DAY_MS = 86_400_000;

const retentionWindowSchema = z.strictObject({
  /** Whole days; at most 100 years, which is "forever" in a typo-proof way. */
  days: z.int().min(1).max(36_500),
  /** From which moment the window counts, in words (shown to the DPO and the auditor). */
  measuredFrom: z.string().min(1).max(200),
  /** Why this value: the legal or business reason. */
  basis: z.string().min(1).max(1_000),
});
export type RetentionWindowPolicy = z.infer<typeof retentionWindowSchema>;

const categoriesSchema = z.strictObject(
  Object.fromEntries(RETENTION_CATEGORIES.map((category) => [category, retentionWindowSchema])) as Record<RetentionCategory, typeof retentionWindowSchema>,
);

export const retentionPolicySchema = z
  .strictObject({
    version: z.literal(1),
    description: z.string().max(2_000).optional(),
    categories: categoriesSchema,
  })
  .superRefine((policy, context) => {
    if (policy.categories.audit.days < AUDIT_MINIMUM_DAYS) {
      context.addIssue({
        code: 'too_small',
        origin: 'number',
        minimum: AUDIT_MINIMUM_DAYS,
        inclusive: true,
        input: policy.categories.audit.days,
        path: ['categories', 'audit', 'days'],
        message: `audit records are kept at least ${AUDIT_MINIMUM_DAYS} days (EU AI Act Art. 19(1), 26(6))`,
      });
    }
    if (policy.categories.event_index.days < policy.categories.raw_events.days) {
      context.addIssue({
        code: 'custom',
        input: policy.categories.event_index.days,
        path: ['categories', 'event_index', 'days'],
        message: 'the event index must be kept at least as long as raw_events: otherwise an access request in Kafka mode misses stored events',
      });
    }
  });

export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;
