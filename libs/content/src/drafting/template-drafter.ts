import type { ContentBrief } from '../brief/content-brief.schema';
import { sortVariants, type ChannelVariant, type DraftContent } from '../draft/draft-content.schema';
import { expandForLength } from '../guardrails/placeholder-scan';
import { smsLength } from '../guardrails/gsm7';
import type { ContentPolicy } from '../policy/content-policy';
import { VARIANT_KEYS, type ContentChannel, type VariantKey } from '../vocabulary/content-vocabulary';
import type { ContentDrafter, DraftRequest, DraftResult, GeneratorInfo } from './content-drafter';
import { PRODUCT_COPY, TEMPLATE_PHRASES, TONE_STYLE } from './template-copy';

export const TEMPLATE_DRAFTER_ID = 'kairos-template-drafter';
export const TEMPLATE_VERSION = 'templates/2026-11-23.1';

const fill = (text: string, values: Readonly<Record<string, string>>) => text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

/**
 * The embedded default: drafts from reviewed phrase templates, offline and deterministic. It is honest about
 * being template-based (generator kind `template`, no AI label needed) and reads only the structured fields of a
 * brief plus its mandatory elements, never the goal or audience text.
 */
export class TemplateDrafter implements ContentDrafter {
  readonly kind = 'template' as const;

  async draft(request: DraftRequest): Promise<DraftResult> {
    return { content: draftFromTemplates(request.brief, request.policy), generator: templateGenerator(), aiGenerated: false };
  }
}

export function templateGenerator(fallbackReason?: GeneratorInfo['fallbackReason']): GeneratorInfo {
  return { kind: 'template', modelId: TEMPLATE_DRAFTER_ID, promptVersion: TEMPLATE_VERSION, ...(fallbackReason ? { fallbackReason } : {}) };
}

export function draftFromTemplates(brief: ContentBrief, policy: ContentPolicy): DraftContent {
  const variants: ChannelVariant[] = [];
  for (const channel of brief.channels) {
    for (const [index, variantKey] of VARIANT_KEYS.slice(0, brief.variantCount).entries()) {
      variants.push(templateVariant(brief, policy, channel, variantKey, (TONE_STYLE[brief.tone] + index) % 3));
    }
  }
  return sortVariants({ language: brief.language, variants });
}

function formatRate(value: number, language: 'de' | 'en'): string {
  return value.toLocaleString(language === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 2 });
}

function templateVariant(brief: ContentBrief, policy: ContentPolicy, channel: ContentChannel, variantKey: VariantKey, style: number): ChannelVariant {
  const phrases = TEMPLATE_PHRASES[brief.language];
  const copy = PRODUCT_COPY[brief.language][brief.product];
  const values = { name: copy.name };
  const credit = policy.creditProducts.has(brief.product);
  const warning = credit ? policy.document.credit.warning[brief.language][0] + '.' : '';
  const terms = brief.creditTerms
    ? fill(phrases.terms, {
        nominal: formatRate(brief.creditTerms.nominalRatePct, brief.language),
        effective: formatRate(brief.creditTerms.effectiveAnnualRatePct, brief.language),
        example: brief.creditTerms.representativeExample,
      })
    : '';
  const mandatory = brief.mandatoryElements.length > 0 ? `${phrases.note} ${brief.mandatoryElements.join('; ')}.` : '';
  const paragraphs = (...parts: string[]) => parts.filter((part) => part !== '').join('\n\n');
  const line = (...parts: string[]) => parts.filter((part) => part !== '').join(' ');

  switch (channel) {
    case 'email':
      return {
        channel,
        variantKey,
        subject: fill(phrases.subjects[style], values),
        preheader: phrases.preheaders[style],
        body: paragraphs(phrases.greetings[style], copy.benefit, phrases.details, mandatory, terms, warning, phrases.signOff),
        cta: phrases.ctas[style],
      };
    case 'sms':
      return { channel, variantKey, text: fitSms(line(`${phrases.greetings[1].replace(/,$/, ':')}`, copy.short, phrases.smsTail, warning), mandatory, policy) };
    case 'push':
      return { channel, variantKey, title: fill(phrases.pushTitles[style], values), body: line(copy.short, warning) };
    case 'app_card':
      return { channel, variantKey, title: fill(phrases.subjects[style], values), body: paragraphs(copy.benefit, mandatory, terms, warning), cta: phrases.ctas[style] };
    case 'call_center':
      return { channel, variantKey, script: paragraphs(fill(phrases.callOpen, values), copy.benefit, mandatory, terms, warning, phrases.callClose) };
  }
}

/** Adds the mandatory elements to an SMS only while it stays within one message with placeholders at their longest. */
function fitSms(text: string, mandatory: string, policy: ContentPolicy): string {
  if (mandatory === '') return text;
  const withMandatory = `${text} ${mandatory}`;
  const length = smsLength(expandForLength(withMandatory, (name) => policy.placeholders.get(name)?.maxChars ?? 0));
  return length.encoding === 'gsm7' && length.units <= (policy.fieldLimit('sms', 'text')?.maxChars ?? 160) ? withMandatory : text;
}
