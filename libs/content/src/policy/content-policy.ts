import { KairosError, fromZodIssues, type ValidationIssue } from '@kairos/contracts';
import type { ProductKind } from '@kairos/contracts';
import type { ContentChannel, ContentLanguage, FindingSeverity } from '../vocabulary/content-vocabulary';
import { BUILT_IN_RULE_IDS, contentPolicySchema, type ContentPolicyDocument } from './content-policy.schema';

export interface PlaceholderDefinition {
  readonly name: string;
  readonly source: 'delivery' | 'decision' | 'profile';
  readonly maxChars: number;
  readonly description: string;
}

export interface ClaimMatcher {
  readonly id: string;
  readonly severity: FindingSeverity;
  readonly description: string;
  readonly matchers: readonly RegExp[];
  /** Global patterns of phrases blanked out before matching (the standard security notices). */
  readonly except: readonly RegExp[];
}

/** The policy file after validation, with every phrase and pattern compiled once. */
export interface ContentPolicy {
  readonly version: string;
  readonly document: ContentPolicyDocument;
  severityOf(ruleId: string): FindingSeverity;
  descriptionOf(ruleId: string): string;
  fieldLimit(channel: ContentChannel, field: string): { readonly maxChars: number; readonly encoding?: 'gsm7' } | undefined;
  readonly claims: readonly ClaimMatcher[];
  readonly creditProducts: ReadonlySet<ProductKind>;
  readonly creditTerms: readonly RegExp[];
  readonly ratePatterns: readonly RegExp[];
  readonly creditWarning: Readonly<Record<ContentLanguage, readonly RegExp[]>>;
  readonly effectiveRate: Readonly<Record<ContentLanguage, readonly RegExp[]>>;
  readonly representativeExample: Readonly<Record<ContentLanguage, readonly RegExp[]>>;
  readonly aiLabelRequired: boolean;
  readonly aiLabelFields: Readonly<Partial<Record<ContentChannel, string>>>;
  readonly aiLabelTexts: Readonly<Record<ContentLanguage, readonly string[]>>;
  readonly aiLabelMatchers: Readonly<Record<ContentLanguage, readonly RegExp[]>>;
  readonly placeholders: ReadonlyMap<string, PlaceholderDefinition>;
  readonly filters: ReadonlySet<string>;
  readonly allowedHosts: ReadonlySet<string>;
  readonly requireHttps: boolean;
  readonly allowedPhoneDigits: ReadonlySet<string>;
  readonly instructionPatterns: readonly RegExp[];
  readonly encodedPayloadMinChars: number;
  readonly approvalDefaultValidityMs: number;
  readonly approvalMaxValidityMs: number;
  readonly personalizationAttributes: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;

/** A literal phrase as a regex: flexible whitespace, letter boundaries, and `*` ending a word for any word ending. */
export function phraseToPattern(phrase: string): string {
  const words = phrase.trim().split(/\s+/);
  const body = words
    .map((word) => {
      const open = word.endsWith('*');
      const stem = (open ? word.slice(0, -1) : word).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      return open ? `${stem}\\p{L}*` : stem;
    })
    .join('\\s+');
  return `(?<![\\p{L}\\p{N}])${body}${words[words.length - 1].endsWith('*') ? '' : '(?![\\p{L}\\p{N}])'}`;
}

export function digitsOf(phone: string): string {
  return phone.replace(/^\+/, '00').replace(/\D/g, '');
}

/**
 * Validates and compiles the content policy. Every built-in rule needs a severity, no unknown rule may appear (a
 * typo would otherwise silently switch a rule off), and every pattern must compile. Throws VALIDATION_FAILED
 * naming each problem.
 */
export function compileContentPolicy(raw: unknown): ContentPolicy {
  const parsed = contentPolicySchema.safeParse(raw);
  if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the content policy is invalid', fromZodIssues(parsed.error.issues));
  const doc = parsed.data;
  const issues: ValidationIssue[] = [];
  const compile = (source: string, path: string, flags = 'iu'): RegExp => {
    try {
      return new RegExp(source, flags);
    } catch {
      issues.push({ path, rule: 'invalid_pattern', message: 'not a valid regular expression' });
      return /(?!)/;
    }
  };
  const claimIds = new Set(doc.forbiddenClaims.map((claim) => claim.id));
  for (const id of BUILT_IN_RULE_IDS) if (!(id in doc.rules)) issues.push({ path: `rules.${id}`, rule: 'missing_rule', message: 'every built-in rule needs a severity' });
  for (const id of Object.keys(doc.rules)) {
    if (!(BUILT_IN_RULE_IDS as readonly string[]).includes(id)) issues.push({ path: `rules.${id}`, rule: 'unknown_rule', message: 'no rule with this id exists' });
  }
  if (claimIds.size !== doc.forbiddenClaims.length) issues.push({ path: 'forbiddenClaims', rule: 'duplicate_id', message: 'claim ids must be unique' });
  if (doc.approval.defaultValidityDays > doc.approval.maxValidityDays) issues.push({ path: 'approval.defaultValidityDays', rule: 'too_big', message: 'must not exceed maxValidityDays' });

  const claims: ClaimMatcher[] = doc.forbiddenClaims.map((claim, index) => ({
    id: claim.id,
    severity: claim.severity,
    description: claim.description,
    matchers: [
      ...claim.phrases.map((phrase, i) => compile(phraseToPattern(phrase), `forbiddenClaims[${index}].phrases[${i}]`)),
      ...claim.patterns.map((source, i) => compile(source, `forbiddenClaims[${index}].patterns[${i}]`)),
    ],
    except: claim.exceptPhrases.map((phrase, i) => compile(phraseToPattern(phrase), `forbiddenClaims[${index}].exceptPhrases[${i}]`, 'giu')),
  }));
  if (claims.some((claim) => claim.matchers.length === 0)) issues.push({ path: 'forbiddenClaims', rule: 'empty_claim', message: 'each claim needs phrases or patterns' });
  const perLanguage = (phrases: Record<ContentLanguage, string[]>, path: string) =>
    ({
      de: phrases.de.map((phrase, i) => compile(phraseToPattern(phrase), `${path}.de[${i}]`)),
      en: phrases.en.map((phrase, i) => compile(phraseToPattern(phrase), `${path}.en[${i}]`)),
    }) as const;
  const policy: ContentPolicy = {
    version: doc.version,
    document: doc,
    severityOf: (ruleId) => doc.rules[ruleId]?.severity ?? doc.forbiddenClaims.find((claim) => claim.id === ruleId)?.severity ?? 'blocking',
    descriptionOf: (ruleId) => doc.rules[ruleId]?.description ?? doc.forbiddenClaims.find((claim) => claim.id === ruleId)?.description ?? ruleId,
    fieldLimit: (channel, field) => (doc.channels[channel] as Record<string, { maxChars: number; encoding?: 'gsm7' }>)[field],
    claims,
    creditProducts: new Set(doc.credit.products),
    creditTerms: doc.credit.termPatterns.map((source, i) => compile(source, `credit.termPatterns[${i}]`)),
    ratePatterns: doc.credit.ratePatterns.map((source, i) => compile(source, `credit.ratePatterns[${i}]`)),
    creditWarning: perLanguage(doc.credit.warning, 'credit.warning'),
    effectiveRate: perLanguage(doc.credit.effectiveRate, 'credit.effectiveRate'),
    representativeExample: perLanguage(doc.credit.representativeExample, 'credit.representativeExample'),
    aiLabelRequired: doc.aiLabel.requiredForAiGenerated,
    aiLabelFields: doc.aiLabel.fields,
    aiLabelTexts: doc.aiLabel.texts,
    aiLabelMatchers: perLanguage(doc.aiLabel.texts, 'aiLabel.texts'),
    placeholders: new Map(doc.placeholders.allowed.map((definition) => [definition.name, definition])),
    filters: new Set(doc.placeholders.filters),
    allowedHosts: new Set(doc.urls.allowedHosts),
    requireHttps: doc.urls.requireHttps,
    allowedPhoneDigits: new Set(doc.phoneNumbers.allowed.map(digitsOf)),
    instructionPatterns: doc.injection.instructionPatterns.map((source, i) => compile(source, `injection.instructionPatterns[${i}]`)),
    encodedPayloadMinChars: doc.injection.encodedPayloadMinChars,
    approvalDefaultValidityMs: doc.approval.defaultValidityDays * DAY_MS,
    approvalMaxValidityMs: doc.approval.maxValidityDays * DAY_MS,
    personalizationAttributes: new Set(doc.personalization.allowedAttributes),
  };
  if (issues.length > 0) throw new KairosError('VALIDATION_FAILED', 'the content policy is invalid', issues);
  return policy;
}
