import type { ValidationIssue } from '@kairos/contracts';
import type { Finding } from '../guardrails/finding';
import { decodeBase64Runs, detectPersonalData, rot13 } from '../guardrails/text-detectors';
import type { ContentPolicy } from '../policy/content-policy';
import { hasInvisibleCharacters, normalizeForMatching, stripInvisible } from '../unicode/invisible-unicode';
import type { ContentBrief } from './content-brief.schema';

/** The free-text fields of a brief, by path. Everything else in a brief is an enum, a number or an identifier. */
export function briefTexts(brief: ContentBrief): { path: string; text: string }[] {
  return [
    { path: 'title', text: brief.title },
    { path: 'goal', text: brief.goal },
    { path: 'audience', text: brief.audience },
    ...brief.mandatoryElements.map((text, index) => ({ path: `mandatoryElements[${index}]`, text })),
    ...(brief.creditTerms ? [{ path: 'creditTerms.representativeExample', text: brief.creditTerms.representativeExample }] : []),
  ];
}

const KIND_WORDS = { email: 'an e-mail address', phone: 'a phone number', iban: 'an IBAN', card_number: 'a card number', credential: 'a secret' } as const;

/**
 * Personal data in a brief is refused outright (400): a brief goes into prompts and into the draft's record, and
 * must describe an audience, not a person. The issue names the field and the kind, never the value.
 */
export function personalDataInBrief(brief: ContentBrief, policy: ContentPolicy): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const { path, text } of briefTexts(brief)) {
    const found = detectPersonalData(normalizeForMatching(text), policy.allowedPhoneDigits);
    if (found.length > 0) issues.push({ path, rule: 'personal_data', message: `a brief describes an audience, never a person: remove ${KIND_WORDS[found[0].kind]}` });
  }
  return issues;
}

/** Removes invisible characters from every free-text field; reports whether any were there. */
export function sanitizeBrief(brief: ContentBrief): { brief: ContentBrief; removedInvisible: boolean } {
  const removedInvisible = briefTexts(brief).some(({ text }) => hasInvisibleCharacters(text));
  if (!removedInvisible) return { brief, removedInvisible };
  const clean = (text: string) => stripInvisible(text).trim();
  return {
    brief: {
      ...brief,
      title: clean(brief.title),
      goal: clean(brief.goal),
      audience: clean(brief.audience),
      mandatoryElements: brief.mandatoryElements.map(clean),
      ...(brief.creditTerms ? { creditTerms: { ...brief.creditTerms, representativeExample: clean(brief.creditTerms.representativeExample) } } : {}),
    },
    removedInvisible,
  };
}

/**
 * Instructions hidden in a brief: plain, in base64 or ROT13, or in another language. A brief is data, so such text
 * makes every draft from it unapprovable: the model may have obeyed in ways no output rule recognizes.
 */
export function screenBriefForInstructions(brief: ContentBrief, policy: ContentPolicy): Finding[] {
  const findings: Finding[] = [];
  for (const { path, text } of briefTexts(brief)) {
    const normalized = normalizeForMatching(text);
    const decoded = decodeBase64Runs(normalized).map(normalizeForMatching);
    const readings = [normalized, rot13(normalized), ...decoded];
    const how = readings.findIndex((reading) => policy.instructionPatterns.some((pattern) => pattern.test(reading)));
    // Readable text hidden in base64 has no business in a brief even when no pattern recognizes it.
    if (how >= 0 || decoded.length > 0) {
      findings.push({
        ruleId: 'brief.suspicious_instructions',
        severity: policy.severityOf('brief.suspicious_instructions'),
        message: `the brief field ${path} contains ${how === 0 ? 'instructions to a model' : how === 1 ? 'ROT13-encoded instructions' : 'base64-encoded text'}`,
        scope: 'brief',
        field: path,
      });
    }
  }
  return findings;
}
