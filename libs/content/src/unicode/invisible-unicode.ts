/**
 * Characters a reader cannot see but a model (or a downstream system) reads: zero-width characters, bidi
 * controls, Unicode tag characters (the "ASCII smuggling" block), variation selectors, fillers and control codes.
 * Briefs are stripped of them before anything else looks at the text; drafts that contain them are flagged.
 * Tab and line feed stay: they are visible layout.
 */
const INVISIBLE_SOURCE =
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F' +
  '\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\uFFF0-\\uFFFB' +
  '\\u{1BCA0}-\\u{1BCA3}\\u{1D173}-\\u{1D17A}\\u{E0000}-\\u{E007F}\\u{E0100}-\\u{E01EF}]';

const INVISIBLE_GLOBAL = new RegExp(INVISIBLE_SOURCE, 'gu');
const INVISIBLE_ONE = new RegExp(INVISIBLE_SOURCE, 'u');

export function hasInvisibleCharacters(text: string): boolean {
  return INVISIBLE_ONE.test(text);
}

/** Positions of invisible characters (UTF-16 offsets), for findings that point at them without echoing text. */
export function invisibleCharacterOffsets(text: string, limit = 20): number[] {
  const offsets: number[] = [];
  for (const match of text.matchAll(INVISIBLE_GLOBAL)) {
    offsets.push(match.index);
    if (offsets.length >= limit) break;
  }
  return offsets;
}

/** Removes invisible characters and normalizes line ends; carriage returns become line feeds. */
export function stripInvisible(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(INVISIBLE_GLOBAL, '');
}

export function countInvisible(text: string): number {
  let count = 0;
  for (const _ of text.replace(/\r\n?/g, '\n').matchAll(INVISIBLE_GLOBAL)) count++;
  return count;
}

/** Strips every string inside a JSON-like value (objects, arrays), leaving other values as they are. */
export function stripInvisibleDeep<T>(value: T): T {
  if (typeof value === 'string') return stripInvisible(value) as T;
  if (Array.isArray(value)) return value.map((item) => stripInvisibleDeep(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = stripInvisibleDeep(child);
    return out as T;
  }
  return value;
}

/**
 * Lookalike letters from Cyrillic and Greek folded to the Latin letter they imitate, so "gаrantiert" with a
 * Cyrillic а is still read as "garantiert" by the claim rules. Not a full confusables table: the letters that
 * occur in practice in homoglyph spam.
 */
const CONFUSABLES: Readonly<Record<string, string>> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ү: 'y',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S',
  α: 'a', ο: 'o', ρ: 'p', ν: 'v', τ: 't', ι: 'i', κ: 'k', Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};
const CONFUSABLE_PATTERN = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'gu');

/**
 * The text the rules match against: compatibility-normalized (full-width letters, ligatures), invisible characters
 * removed, lookalikes folded. Offsets therefore refer to this normalized text, not the original.
 */
export function normalizeForMatching(text: string): string {
  return stripInvisible(text.normalize('NFKC')).replace(CONFUSABLE_PATTERN, (char) => CONFUSABLES[char] ?? char);
}

const LATIN = /\p{Script=Latin}/u;
const LOOKALIKE_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** Words mixing Latin letters with Cyrillic or Greek ones: a homoglyph disguise, never honest bank copy. */
export function mixedScriptWords(text: string, limit = 10): number[] {
  const offsets: number[] = [];
  for (const match of text.normalize('NFKC').matchAll(/[\p{L}\p{M}]+/gu)) {
    if (LATIN.test(match[0]) && LOOKALIKE_SCRIPT.test(match[0])) {
      offsets.push(match.index);
      if (offsets.length >= limit) break;
    }
  }
  return offsets;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text with an unpaired surrogate is not Unicode at all; no channel can encode it. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}
