import { z } from 'zod';
import { PRODUCT_KINDS } from '@kairos/contracts';
import { CONTENT_LANGUAGES } from '../vocabulary/content-vocabulary';

/**
 * The only customer attributes a per-customer draft may be conditioned on: bands and categories, never values that
 * identify a person or text the customer typed (a transfer reference, a nickname), so neither personal data nor an
 * indirect prompt injection can reach the model through them. The purpose registry narrows this list further.
 */
export const personalizationAttributesSchema = z.strictObject({
  ageBand: z.enum(['18-24', '25-34', '35-44', '45-54', '55-64', '65+']).optional(),
  tenureBand: z.enum(['<1y', '1-3y', '3-10y', '10y+']).optional(),
  productsHeld: z.array(z.enum(PRODUCT_KINDS)).max(PRODUCT_KINDS.length).optional(),
  segment: z.enum(['retail', 'premium', 'private', 'business', 'student']).optional(),
  preferredLanguage: z.enum(CONTENT_LANGUAGES).optional(),
});
export type PersonalizationAttributes = z.infer<typeof personalizationAttributesSchema>;

/**
 * The consent check per-customer generation needs (built by the consent area). It answers for one purpose,
 * channel and instant, so a withdrawal takes effect for the very next request.
 */
export interface AiPersonalizationConsent {
  may(customerId: string, purpose: 'ai_personalization', channel: string, atMs: number): boolean | Promise<boolean>;
}

/** The profile facts per-customer generation may start from (what the profile area exposes, by shape). */
export interface AudienceProfileFacts {
  readonly birthDate?: string | null;
  readonly registeredAtMs?: number | null;
  readonly products?: readonly { readonly product: (typeof PRODUCT_KINDS)[number]; readonly held: boolean }[];
  readonly language?: string | null;
}

const YEAR_MS = 365.25 * 86_400_000;

/**
 * Turns profile facts into the bands a prompt may see: an age band instead of a birth date, a tenure band
 * instead of a registration instant, product kinds instead of accounts. Everything identifying stays behind.
 */
export function deriveAudienceAttributes(facts: AudienceProfileFacts, atMs: number, allowed: ReadonlySet<string>): PersonalizationAttributes {
  const out: { -readonly [K in keyof PersonalizationAttributes]: PersonalizationAttributes[K] } = {};
  if (allowed.has('ageBand') && facts.birthDate) {
    const age = Math.floor((atMs - Date.parse(facts.birthDate)) / YEAR_MS);
    if (age >= 18) out.ageBand = age < 25 ? '18-24' : age < 35 ? '25-34' : age < 45 ? '35-44' : age < 55 ? '45-54' : age < 65 ? '55-64' : '65+';
  }
  if (allowed.has('tenureBand') && typeof facts.registeredAtMs === 'number') {
    const years = (atMs - facts.registeredAtMs) / YEAR_MS;
    out.tenureBand = years < 1 ? '<1y' : years < 3 ? '1-3y' : years < 10 ? '3-10y' : '10y+';
  }
  if (allowed.has('productsHeld') && facts.products) out.productsHeld = [...new Set(facts.products.filter((p) => p.held).map((p) => p.product))].sort();
  if (allowed.has('preferredLanguage') && (facts.language === 'de' || facts.language === 'en')) out.preferredLanguage = facts.language;
  return personalizationAttributesSchema.parse(out);
}
