import type { ProductKind } from '@kairos/contracts';
import { fieldsOfVariant, type DraftContent, type VariantField } from '../draft/draft-content.schema';
import type { ContentPolicy } from '../policy/content-policy';
import { invisibleCharacterOffsets, mixedScriptWords, normalizeForMatching, stripInvisible } from '../unicode/invisible-unicode';
import type { ContentLanguage } from '../vocabulary/content-vocabulary';
import type { Finding } from './finding';
import { smsLength } from './gsm7';
import { detectLanguageMismatch } from './language-detector';
import { expandForLength, scanPlaceholders } from './placeholder-scan';
import { detectPersonalData, findEncodedPayloads, findMarkup, findScriptUrls, findUrls, type Span } from './text-detectors';

/** What the guardrails need to know besides the text. */
export interface GuardrailContext {
  readonly language: ContentLanguage;
  readonly product?: ProductKind;
  /** Whether a model drafted (any revision of) this content: then the AI label may be required. */
  readonly aiGenerated: boolean;
  readonly mandatoryElements?: readonly string[];
  /** The secret marker of the drafting prompt; seen in the output, it proves a prompt leak. */
  readonly promptCanary?: string;
}

type Emit = (ruleId: string, message: string, span?: Span) => void;

const PERSONAL_DATA_RULES = {
  email: ['personal_data.email', 'an e-mail address'],
  phone: ['personal_data.phone', 'a phone number that is not a published bank number'],
  iban: ['personal_data.iban', 'an IBAN'],
  card_number: ['personal_data.card_number', 'a payment card number'],
  credential: ['secrets.credential', 'something shaped like a key, token or password'],
} as const;

function blank(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  let out = text;
  for (const span of spans) out = out.slice(0, span.offset) + ' '.repeat(span.length) + out.slice(span.offset + span.length);
  return out;
}

function firstMatch(patterns: readonly RegExp[], text: string): Span | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) return { offset: match.index, length: match[0].length };
  }
  return undefined;
}

function checkField(field: VariantField, context: GuardrailContext, policy: ContentPolicy, emit: Emit): void {
  const raw = field.text;
  const invisible = invisibleCharacterOffsets(raw);
  if (invisible.length > 0) emit('unicode.invisible', `${invisible.length >= 20 ? 'at least 20' : invisible.length} invisible character(s)`, { offset: invisible[0], length: 1 });
  const mixed = mixedScriptWords(raw);
  if (mixed.length > 0) emit('unicode.mixed_script', 'a word mixes Latin with Cyrillic or Greek lookalike letters', { offset: mixed[0], length: 1 });

  const scan = scanPlaceholders(raw);
  for (const use of scan.uses) {
    if (use.name === null) emit('placeholders.unknown', 'only plain placeholders such as {{ customer.firstName }} are allowed', use.span);
    else if (!policy.placeholders.has(use.name)) emit('placeholders.unknown', `no source can fill the placeholder ${use.name.slice(0, 60)}`, use.span);
    for (const filter of use.filters) if (!policy.filters.has(filter)) emit('placeholders.filter_not_allowed', `the filter ${filter.slice(0, 30)} is not allowed`, use.span);
  }
  for (const tag of scan.tags) emit('placeholders.tag_not_allowed', 'Liquid tags are not allowed in content', tag);
  for (const error of scan.syntaxErrors) emit('placeholders.syntax', 'a placeholder is not closed or cannot be parsed', error);

  // Matching runs on normalized text with placeholders blanked, so `{{ customer.firstName }}` never reads as a word.
  const normalized = blank(normalizeForMatching(raw), scan.uses.map((use) => use.span));
  for (const found of detectPersonalData(normalized, policy.allowedPhoneDigits)) {
    const [ruleId, what] = PERSONAL_DATA_RULES[found.kind];
    emit(ruleId, `the text contains ${what}`, found.span);
  }
  const urls = findUrls(normalized);
  for (const url of urls) {
    if (url.scheme === 'http' && policy.requireHttps) emit('urls.insecure', 'links must use https', url.span);
    if (url.scheme === 'other' || url.host === null || !policy.allowedHosts.has(url.host)) emit('urls.not_allowed', 'a link to a host outside the allowlist', url.span);
  }
  for (const span of findMarkup(normalized)) emit('markup.html', 'HTML or script markup in a plain-text channel', span);
  for (const span of findScriptUrls(normalized)) emit('markup.script_url', 'a script or data URL', span);

  for (const claim of policy.claims) {
    const text = claim.except.length === 0 ? normalized : claim.except.reduce((acc, except) => acc.replace(except, (m) => ' '.repeat(m.length)), normalized);
    const span = firstMatch(claim.matchers, text);
    if (span) emit(claim.id, `forbidden claim: ${claim.description}`, span);
  }
  const instruction = firstMatch(policy.instructionPatterns, normalized);
  if (instruction) emit('injection.instruction_text', 'text addressed to a language model', instruction);
  if (context.promptCanary !== undefined && normalized.toLowerCase().includes(context.promptCanary.toLowerCase())) {
    emit('injection.prompt_leak', 'the draft repeats the secret marker of the drafting prompt');
  }
  for (const span of findEncodedPayloads(blank(normalized, urls.map((url) => url.span)), policy.encodedPayloadMinChars)) {
    emit('injection.encoded_payload', 'a long encoded (base64 or hex) run a reviewer cannot read', span);
  }

  checkLength(field, policy, emit);
  const language = detectLanguageMismatch(stripInvisible(raw), context.language);
  if (language.mismatch) emit('language.mismatch', `the text does not read as ${context.language} (detected: ${language.detected})`);
}

function checkLength(field: VariantField, policy: ContentPolicy, emit: Emit): void {
  const limit = policy.fieldLimit(field.channel, field.field);
  if (limit === undefined) return;
  const expanded = expandForLength(field.text, (name) => policy.placeholders.get(name)?.maxChars ?? 0);
  if (limit.encoding === 'gsm7') {
    const length = smsLength(expanded);
    if (length.encoding === 'ucs2') emit('channel.sms_not_gsm7', 'characters outside GSM-7 limit one SMS to 70 characters');
    const allowed = length.encoding === 'ucs2' ? Math.floor((limit.maxChars * 70) / 160) : limit.maxChars;
    if (length.units > allowed) emit('channel.length_exceeded', `${length.units} of ${allowed} ${length.encoding === 'ucs2' ? 'UCS-2' : 'GSM-7'} characters (placeholders at their longest)`);
    return;
  }
  const characters = [...expanded].length;
  if (characters > limit.maxChars) emit('channel.length_exceeded', `${characters} of ${limit.maxChars} characters (placeholders at their longest)`);
}

function checkVariant(fields: readonly VariantField[], context: GuardrailContext, policy: ContentPolicy, emit: (field: string | undefined, ruleId: string, message: string) => void): void {
  const text = fields.map((field) => normalizeForMatching(field.text)).join('\n');
  const isCredit = (context.product !== undefined && policy.creditProducts.has(context.product)) || firstMatch(policy.creditTerms, text) !== undefined;
  if (isCredit) {
    if (firstMatch(policy.creditWarning[context.language], text) === undefined) emit(undefined, 'credit.consumer_warning_missing', 'credit copy needs the consumer-credit warning');
    if (firstMatch(policy.ratePatterns, text) !== undefined) {
      if (firstMatch(policy.effectiveRate[context.language], text) === undefined) emit(undefined, 'credit.effective_rate_missing', 'a named rate needs the effective annual interest rate');
      if (firstMatch(policy.representativeExample[context.language], text) === undefined) {
        emit(undefined, 'credit.representative_example_missing', 'a named rate needs a representative example');
      }
    }
  }
  const labelField = policy.aiLabelFields[fields[0].channel];
  if (context.aiGenerated && policy.aiLabelRequired && labelField !== undefined) {
    const labelled = fields.find((field) => field.field === labelField);
    if (labelled && firstMatch(policy.aiLabelMatchers[context.language], normalizeForMatching(labelled.text)) === undefined) {
      emit(labelField, 'ai_label.missing', 'AI-generated content needs the AI label');
    }
  }
  const lowered = text.toLowerCase();
  for (const element of context.mandatoryElements ?? []) {
    if (!lowered.includes(normalizeForMatching(element).toLowerCase())) emit(undefined, 'brief.mandatory_element_missing', 'a mandatory element of the brief is missing');
  }
}

/**
 * Checks every variant of a draft against the content policy. Pure and deterministic: the same content, context
 * and policy give the same findings, which is what lets approval re-check them at the moment it binds a hash.
 */
export function checkContent(content: DraftContent, context: GuardrailContext, policy: ContentPolicy): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const variant of content.variants) {
    const fields = fieldsOfVariant(variant);
    const push = (field: string | undefined, ruleId: string, message: string, span?: Span) => {
      const key = `${variant.channel}/${variant.variantKey}/${field ?? ''}/${ruleId}`;
      if (seen.has(key)) return;
      seen.add(key);
      findings.push({
        ruleId,
        severity: policy.severityOf(ruleId),
        message,
        scope: 'content',
        channel: variant.channel,
        variantKey: variant.variantKey,
        ...(field === undefined ? {} : { field }),
        ...(span === undefined ? {} : { offset: span.offset, length: span.length }),
      });
    };
    for (const field of fields) checkField(field, context, policy, (ruleId, message, span) => push(field.field, ruleId, message, span));
    checkVariant(fields, context, policy, push);
  }
  return findings;
}
