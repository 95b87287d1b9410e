import { z } from 'zod';
import { LEGAL_BASES } from './consent-policy';
import { OBJECTION_SCOPES } from './consent-state';

const slug = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a snake_case id such as product_holdings');
const text = (max: number) => z.string().min(1).max(max);
const localized = (max: number) => z.strictObject({ de: text(max), en: text(max) });
/** A category of the retention policy (governance/retention.json), e.g. `retention:raw_events`. */
const retentionRef = z.string().regex(/^retention:[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a retention reference such as retention:raw_events');
const ids = z.array(slug).min(1).max(50);

export const PERSONAL_DATA_LEVELS = ['none', 'pseudonymous', 'personal', 'sensitive'] as const;

export const dataCategorySchema = z.strictObject({
  id: slug,
  names: localized(120),
  descriptions: localized(1_000),
  personalData: z.enum(PERSONAL_DATA_LEVELS),
  retention: retentionRef,
});

export const purposeSchema = z.strictObject({
  id: slug,
  names: localized(120),
  descriptions: localized(1_000),
  legalBasis: z.enum(LEGAL_BASES),
  /** The provisions relied on, for people (e.g. "Art. 6(1)(a) GDPR; § 7 UWG"). */
  legalReference: text(300),
  objectionScopes: z.array(z.enum(OBJECTION_SCOPES)).max(OBJECTION_SCOPES.length),
  /** The data categories the legal basis covers for this purpose: any other category is a violation. */
  dataCategories: ids,
  retention: retentionRef,
});

/** What a feature, model or action processes and what for. */
export const processingUseSchema = z.strictObject({
  dataCategories: ids,
  purposes: z.array(slug).min(1).max(20),
  description: text(500).optional(),
});

const useKey = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be a lowercase id such as churn or card_unlock_offer');

/** governance/purposes.json: the record of processing activities (Art. 30 GDPR) as data. */
export const purposeRegistrySchema = z.strictObject({
  version: z.literal(1),
  description: text(2_000).optional(),
  controller: z.strictObject({ id: slug, name: text(200), contact: text(200) }),
  dataCategories: z.array(dataCategorySchema).min(1).max(100),
  purposes: z.array(purposeSchema).min(1).max(100),
  features: z.record(useKey, processingUseSchema),
  models: z.record(useKey, processingUseSchema),
  actions: z.record(useKey, processingUseSchema),
});

export type PurposeRegistryDocument = z.infer<typeof purposeRegistrySchema>;
export type DataCategory = z.infer<typeof dataCategorySchema>;
export type PurposeDefinition = z.infer<typeof purposeSchema>;
export type ProcessingUse = z.infer<typeof processingUseSchema>;
