import { z } from 'zod';
import { identifierSchema, productKindSchema } from '@kairos/contracts';
import { personalizationAttributesSchema } from '../personalization/personalization-attributes';
import { isWellFormedText } from '../unicode/invisible-unicode';
import { CONTENT_CHANNELS, CONTENT_LANGUAGES, CONTENT_TONES } from '../vocabulary/content-vocabulary';

const briefText = (max: number) => z.string().trim().min(1, 'must not be empty').max(max).refine(isWellFormedText, 'must be well-formed Unicode');

/**
 * What a content author asks for. Free-text fields (goal, audience, mandatory elements) are data the drafter
 * describes a message with, never instructions; they are stripped of invisible characters and screened for
 * personal data before anything else reads them.
 */
export const contentBriefSchema = z.strictObject({
  title: briefText(120),
  goal: briefText(400),
  product: productKindSchema,
  audience: briefText(400),
  channels: z
    .array(z.enum(CONTENT_CHANNELS))
    .min(1)
    .max(CONTENT_CHANNELS.length)
    .refine((channels) => new Set(channels).size === channels.length, 'each channel once'),
  tone: z.enum(CONTENT_TONES),
  language: z.enum(CONTENT_LANGUAGES),
  mandatoryElements: z.array(briefText(120)).max(5).default([]),
  variantCount: z.number().int().min(1).max(3).default(1),
  /** Terms of a credit offer, so a draft can name the rate with its disclosures; all figures, no personal data. */
  creditTerms: z
    .strictObject({
      nominalRatePct: z.number().min(0).max(30),
      effectiveAnnualRatePct: z.number().min(0).max(30),
      representativeExample: briefText(400),
    })
    .optional(),
  campaignId: identifierSchema.optional(),
  /** Per-customer generation: needs the customer's ai_personalization consent for the one channel drafted. */
  personalization: z
    .strictObject({
      customerId: identifierSchema,
      attributes: personalizationAttributesSchema,
    })
    .optional(),
});
export type ContentBrief = z.infer<typeof contentBriefSchema>;
export type ContentBriefInput = z.input<typeof contentBriefSchema>;
