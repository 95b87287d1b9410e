import { z } from 'zod';
import { isWellFormedText } from '../unicode/invisible-unicode';
import { CHANNEL_FIELDS, CONTENT_LANGUAGES, VARIANT_KEYS, type ContentChannel } from '../vocabulary/content-vocabulary';

/**
 * The message variants of a draft, one object per channel and variant key. The bounds here are storage bounds
 * only: a text over a channel's limit is stored and shown to the reviewer as a finding, never silently cut.
 */
const text = (max: number) => z.string().min(1, 'must not be empty').max(max).refine(isWellFormedText, 'must be well-formed Unicode');
const variantKey = z.enum(VARIANT_KEYS);

export const emailVariantSchema = z.strictObject({
  channel: z.literal('email'),
  variantKey,
  subject: text(500),
  preheader: text(500),
  body: text(20_000),
  cta: text(200),
});
export const smsVariantSchema = z.strictObject({ channel: z.literal('sms'), variantKey, text: text(2_000) });
export const pushVariantSchema = z.strictObject({ channel: z.literal('push'), variantKey, title: text(500), body: text(2_000) });
export const appCardVariantSchema = z.strictObject({ channel: z.literal('app_card'), variantKey, title: text(500), body: text(4_000), cta: text(200) });
export const callCenterVariantSchema = z.strictObject({ channel: z.literal('call_center'), variantKey, script: text(20_000) });

export const channelVariantSchema = z.discriminatedUnion('channel', [emailVariantSchema, smsVariantSchema, pushVariantSchema, appCardVariantSchema, callCenterVariantSchema]);
export type ChannelVariant = z.infer<typeof channelVariantSchema>;
export type EmailVariant = z.infer<typeof emailVariantSchema>;

export const draftContentSchema = z
  .strictObject({
    language: z.enum(CONTENT_LANGUAGES),
    variants: z.array(channelVariantSchema).min(1).max(15),
  })
  .superRefine((content, ctx) => {
    const seen = new Set<string>();
    content.variants.forEach((variant, index) => {
      const key = `${variant.channel}/${variant.variantKey}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['variants', index, 'variantKey'], message: 'each channel has each variant key once' });
      seen.add(key);
    });
  });
export type DraftContent = z.infer<typeof draftContentSchema>;

/** One text field of one variant: the unit the guardrails, the diff and the renderer work on. */
export interface VariantField {
  readonly channel: ContentChannel;
  readonly variantKey: (typeof VARIANT_KEYS)[number];
  readonly field: string;
  readonly text: string;
}

export function fieldsOfVariant(variant: ChannelVariant): VariantField[] {
  const record = variant as unknown as Record<string, string>;
  return CHANNEL_FIELDS[variant.channel].map((field) => ({ channel: variant.channel, variantKey: variant.variantKey, field, text: record[field] }));
}

export function fieldsOfContent(content: DraftContent): VariantField[] {
  return content.variants.flatMap(fieldsOfVariant);
}

/** Sorted by channel then key, so equal content has one form (and one hash) whatever order a model chose. */
export function sortVariants(content: DraftContent): DraftContent {
  const order = (variant: ChannelVariant) => `${Object.keys(CHANNEL_FIELDS).indexOf(variant.channel)}/${variant.variantKey}`;
  return { language: content.language, variants: [...content.variants].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0)) };
}
