import { z } from 'zod';
import { PRODUCT_KINDS } from '@kairos/contracts';
import { CHANNEL_FIELDS, CONTENT_CHANNELS, CONTENT_LANGUAGES, FINDING_SEVERITIES } from '../vocabulary/content-vocabulary';

/** Every rule the guardrail engine implements in code; the policy file must give each a severity. */
export const BUILT_IN_RULE_IDS = [
  'channel.length_exceeded',
  'channel.sms_not_gsm7',
  'credit.consumer_warning_missing',
  'credit.effective_rate_missing',
  'credit.representative_example_missing',
  'ai_label.missing',
  'personal_data.email',
  'personal_data.phone',
  'personal_data.iban',
  'personal_data.card_number',
  'secrets.credential',
  'placeholders.unknown',
  'placeholders.tag_not_allowed',
  'placeholders.filter_not_allowed',
  'placeholders.syntax',
  'language.mismatch',
  'urls.not_allowed',
  'urls.insecure',
  'markup.html',
  'markup.script_url',
  'unicode.invisible',
  'unicode.mixed_script',
  'injection.instruction_text',
  'injection.prompt_leak',
  'injection.encoded_payload',
  'brief.suspicious_instructions',
  'brief.mandatory_element_missing',
] as const;
export type BuiltInRuleId = (typeof BUILT_IN_RULE_IDS)[number];

const pattern = z.string().min(1).max(600);
const phrase = z.string().min(1).max(200);
const perLanguage = z.strictObject(Object.fromEntries(CONTENT_LANGUAGES.map((language) => [language, z.array(phrase).min(1).max(20)])) as Record<'de' | 'en', z.ZodArray<z.ZodString>>);
const fieldLimit = z.strictObject({ maxChars: z.number().int().min(1).max(100_000), encoding: z.enum(['gsm7']).optional() });

const channelsSchema = z.strictObject(
  Object.fromEntries(CONTENT_CHANNELS.map((channel) => [channel, z.strictObject(Object.fromEntries(CHANNEL_FIELDS[channel].map((field) => [field, fieldLimit])))])) as Record<
    (typeof CONTENT_CHANNELS)[number],
    z.ZodObject<Record<string, typeof fieldLimit>>
  >,
);

export const contentPolicySchema = z.strictObject({
  version: z.string().min(1).max(40),
  description: z.string().max(2_000).optional(),
  rules: z.record(z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/), z.strictObject({ severity: z.enum(FINDING_SEVERITIES), description: z.string().min(1).max(300) })),
  channels: channelsSchema,
  forbiddenClaims: z
    .array(
      z.strictObject({
        id: z.string().regex(/^claims\.[a-z0-9_]+$/, 'must be claims.<name>'),
        description: z.string().min(1).max(300),
        severity: z.enum(FINDING_SEVERITIES).default('blocking'),
        phrases: z.array(phrase).max(100).default([]),
        patterns: z.array(pattern).max(50).default([]),
        exceptPhrases: z.array(phrase).max(50).default([]),
      }),
    )
    .max(100),
  credit: z.strictObject({
    products: z.array(z.enum(PRODUCT_KINDS)).min(1),
    termPatterns: z.array(pattern).min(1).max(20),
    ratePatterns: z.array(pattern).min(1).max(20),
    warning: perLanguage,
    effectiveRate: perLanguage,
    representativeExample: perLanguage,
  }),
  aiLabel: z.strictObject({
    requiredForAiGenerated: z.boolean(),
    fields: z.partialRecord(z.enum(CONTENT_CHANNELS), z.string().min(1).max(40)),
    texts: perLanguage,
  }),
  placeholders: z.strictObject({
    allowed: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)+$/, 'must be a dotted name such as customer.firstName'),
          source: z.enum(['delivery', 'decision', 'profile']),
          maxChars: z.number().int().min(1).max(500),
          description: z.string().min(1).max(200),
        }),
      )
      .max(200),
    filters: z.array(z.string().regex(/^[a-z_]+$/)).max(20),
  }),
  urls: z.strictObject({ requireHttps: z.boolean(), allowedHosts: z.array(z.string().regex(/^[a-z0-9.-]+$/)).max(200) }),
  phoneNumbers: z.strictObject({ allowed: z.array(z.string().regex(/^[+0-9 ()/-]{5,30}$/)).max(50) }),
  injection: z.strictObject({ instructionPatterns: z.array(pattern).min(1).max(100), encodedPayloadMinChars: z.number().int().min(12).max(1_000) }),
  approval: z.strictObject({ defaultValidityDays: z.number().int().min(1).max(3_650), maxValidityDays: z.number().int().min(1).max(3_650) }),
  personalization: z.strictObject({ purpose: z.literal('ai_personalization'), allowedAttributes: z.array(z.string().regex(/^[a-z][A-Za-z]*$/)).max(50) }),
});
export type ContentPolicyDocument = z.infer<typeof contentPolicySchema>;
