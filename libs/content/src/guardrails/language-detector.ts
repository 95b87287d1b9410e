import type { ContentLanguage } from '../vocabulary/content-vocabulary';

/**
 * A small stop-word detector: enough to tell German from English from the other languages an injected
 * instruction usually switches to, on marketing-length texts. Words shared between languages are left out.
 */
const STOP_WORDS: Readonly<Record<string, readonly string[]>> = {
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'mit', 'für', 'auf', 'ein', 'eine', 'einen', 'dem', 'den', 'des', 'sie', 'ihr', 'ihre', 'ihren', 'ihrer', 'ihnen', 'wir', 'unser', 'unsere', 'jetzt', 'sich', 'auch', 'bei', 'von', 'zu', 'im', 'als', 'wie', 'oder', 'aber', 'noch', 'mehr', 'nur', 'schon', 'hier', 'dass', 'können', 'kann', 'werden', 'wird', 'haben', 'hat', 'sind', 'gibt', 'uns', 'zum', 'zur', 'bis', 'ohne', 'einfach', 'ab', 'sowie', 'ihrem'],
  en: ['the', 'and', 'is', 'are', 'not', 'with', 'for', 'on', 'your', 'you', 'we', 'our', 'now', 'this', 'that', 'to', 'of', 'it', 'or', 'but', 'more', 'only', 'already', 'here', 'can', 'will', 'have', 'has', 'be', 'there', 'us', 'at', 'from', 'by', 'just', 'today', 'get', 'what', 'when', 'which', 'yours', 'its', 'into', 'than'],
  fr: ['le', 'les', 'et', 'est', 'pas', 'avec', 'pour', 'sur', 'une', 'vous', 'votre', 'nous', 'notre', 'au', 'aux', 'ce', 'cette', 'qui', 'dans', 'ou', 'mais', 'très', 'tout', 'être', 'avez', 'sont', 'maintenant'],
  es: ['el', 'las', 'y', 'con', 'para', 'usted', 'su', 'nosotros', 'nuestro', 'del', 'al', 'que', 'por', 'este', 'esta', 'ahora', 'muy', 'pero', 'sus', 'como', 'más', 'todo'],
  it: ['il', 'gli', 'è', 'non', 'voi', 'vostro', 'noi', 'nostro', 'che', 'questo', 'questa', 'sono', 'ora', 'della', 'delle', 'molto', 'tutto', 'anche'],
  nl: ['het', 'een', 'niet', 'voor', 'uw', 'wij', 'ons', 'dit', 'dat', 'van', 'met', 'zijn', 'nu', 'ook', 'maar', 'wordt', 'kunt', 'jouw'],
  pl: ['jest', 'się', 'że', 'jak', 'ale', 'dla', 'twoje', 'nasz', 'teraz', 'tylko', 'przez', 'oraz', 'wszystkie'],
  pt: ['os', 'não', 'para', 'uma', 'você', 'seu', 'nós', 'nosso', 'agora', 'muito', 'mas', 'também'],
  tr: ['bir', 'bu', 'için', 'ile', 'değil', 'çok', 'daha', 'şimdi', 'sizin', 'hemen'],
};

const LOOKUP = new Map<string, string[]>();
for (const [language, words] of Object.entries(STOP_WORDS)) {
  for (const word of words) LOOKUP.set(word, [...(LOOKUP.get(word) ?? []), language]);
}

/** Letters of scripts German and English never use. */
const FOREIGN_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Devanagari}]{3,}/u;

export interface LanguageVerdict {
  readonly mismatch: boolean;
  /** The language the text reads as, when it is not the expected one. */
  readonly detected?: string;
}

function counts(words: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const word of words) for (const language of LOOKUP.get(word) ?? []) out.set(language, (out.get(language) ?? 0) + 1);
  return out;
}

function verdictFor(words: readonly string[], expected: ContentLanguage, strict: boolean): LanguageVerdict {
  const tally = counts(words);
  const own = tally.get(expected) ?? 0;
  let best: [string, number] = ['', 0];
  for (const [language, count] of tally) if (language !== expected && count > best[1]) best = [language, count];
  const mismatch = strict ? best[1] >= 3 && own <= 1 : best[1] >= 3 && best[1] > 2 * own + 1;
  return mismatch ? { mismatch, detected: best[0] } : { mismatch: false };
}

/**
 * Whether a text is written in another language than `expected`: by script, by the whole text, and sentence by
 * sentence (so one foreign sentence smuggled into a German body is caught). Placeholders and URLs are ignored.
 */
export function detectLanguageMismatch(text: string, expected: ContentLanguage): LanguageVerdict {
  const cleaned = text.replace(/\{\{[^}]*\}\}/g, ' ').replace(/\S+:\/\/\S+/g, ' ');
  if (FOREIGN_SCRIPT.test(cleaned)) return { mismatch: true, detected: 'non-latin script' };
  const words = cleaned.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length >= 5) {
    const whole = verdictFor(words, expected, false);
    if (whole.mismatch) return whole;
  }
  for (const sentence of cleaned.split(/[.!?\n]+/)) {
    const sentenceWords = sentence.toLowerCase().match(/\p{L}+/gu) ?? [];
    if (sentenceWords.length < 6) continue;
    const verdict = verdictFor(sentenceWords, expected, true);
    if (verdict.mismatch) return verdict;
  }
  return { mismatch: false };
}
