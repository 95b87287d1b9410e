/**
 * The words of the content area. Channels here are message formats (an e-mail has a subject, an SMS one text),
 * which is why `app_card` and `call_center` appear beside the delivery channels of consent.
 */
export const CONTENT_CHANNELS = ['email', 'sms', 'push', 'app_card', 'call_center'] as const;
export type ContentChannel = (typeof CONTENT_CHANNELS)[number];

export const CONTENT_LANGUAGES = ['de', 'en'] as const;
export type ContentLanguage = (typeof CONTENT_LANGUAGES)[number];

export const CONTENT_TONES = ['friendly', 'neutral', 'formal', 'encouraging'] as const;
export type ContentTone = (typeof CONTENT_TONES)[number];

/** The text fields of each channel's message, in the order a reviewer reads them. */
export const CHANNEL_FIELDS = {
  email: ['subject', 'preheader', 'body', 'cta'],
  sms: ['text'],
  push: ['title', 'body'],
  app_card: ['title', 'body', 'cta'],
  call_center: ['script'],
} as const satisfies Record<ContentChannel, readonly string[]>;
export type ChannelField<C extends ContentChannel = ContentChannel> = (typeof CHANNEL_FIELDS)[C][number];

/**
 * Review states. `expired` is never stored: an approved draft is expired once its approval's validity has passed,
 * so the state answers for any instant without a clock job.
 */
export const DRAFT_STATUSES = ['draft', 'in_review', 'approved', 'changes_requested', 'rejected', 'retired'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];
export type DraftStatusAt = DraftStatus | 'expired';

export const FINDING_SEVERITIES = ['blocking', 'warning', 'info'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** Variant keys, one per requested variant (A/B testing by the bandit). */
export const VARIANT_KEYS = ['A', 'B', 'C'] as const;
export type VariantKey = (typeof VARIANT_KEYS)[number];
