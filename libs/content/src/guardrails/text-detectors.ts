/**
 * Pattern detectors shared by the output guardrails and the brief screening. Each returns spans (offset, length)
 * and never the matched text, so callers cannot accidentally echo personal data.
 */
export interface Span {
  readonly offset: number;
  readonly length: number;
}

export type PersonalDataKind = 'email' | 'phone' | 'iban' | 'card_number' | 'credential';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /(?<![\p{L}\p{N}])(?:\+|00|0)\d[\d ()/-]{5,22}\d(?!\p{N})|\(\d{3}\)\s?\d{3}-\d{4}|(?<!\p{N})\d{3}-\d{3}-\d{4}(?!\p{N})/gu;
const IBAN = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])/g;
const CARD = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;
const CREDENTIALS = [
  /sk-[A-Za-z0-9_-]{16,}/g,
  /AKIA[0-9A-Z]{16}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/g,
  /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /kairos_[A-Za-z0-9_-]{20,}/g,
  /gh[pousr]_[A-Za-z0-9]{20,}/g,
  /xox[abprs]-[A-Za-z0-9-]{10,}/g,
  /bearer\s+[A-Za-z0-9._~+/-]{20,}/gi,
  /(?:api[_-]?key|secret|passwor[dt]|token)\s*[:=]\s*\S{6,}/gi,
];

function spans(pattern: RegExp, text: string, keep: (match: string) => boolean = () => true): Span[] {
  const out: Span[] = [];
  for (const match of text.matchAll(pattern)) if (keep(match[0])) out.push({ offset: match.index, length: match[0].length });
  return out;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function ibanChecksumValid(iban: string): boolean {
  const compact = iban.replace(/ /g, '');
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function looksLikeIban(candidate: string): boolean {
  const compact = candidate.replace(/ /g, '');
  const digits = compact.replace(/\D/g, '').length;
  return compact.length >= 15 && compact.length <= 34 && digits >= 10 && (ibanChecksumValid(compact) || /^DE\d{20}$/.test(compact));
}

/** Personal data and secrets in a text. `allowedPhoneDigits` holds the bank's own published numbers. */
export function detectPersonalData(text: string, allowedPhoneDigits: ReadonlySet<string> = new Set()): { kind: PersonalDataKind; span: Span }[] {
  const found: { kind: PersonalDataKind; span: Span }[] = [];
  for (const span of spans(EMAIL, text)) found.push({ kind: 'email', span });
  for (const span of spans(IBAN, text, looksLikeIban)) found.push({ kind: 'iban', span });
  for (const span of spans(CARD, text, (match) => luhnValid(match.replace(/\D/g, '')))) found.push({ kind: 'card_number', span });
  const taken = (span: Span) => found.some((other) => span.offset < other.span.offset + other.span.length && other.span.offset < span.offset + span.length);
  for (const span of spans(PHONE, text, (match) => {
    const digits = match.replace(/^\+/, '00').replace(/\D/g, '');
    return digits.length >= 7 && digits.length <= 17 && !allowedPhoneDigits.has(digits);
  })) {
    if (!taken(span)) found.push({ kind: 'phone', span });
  }
  for (const pattern of CREDENTIALS) for (const span of spans(pattern, text)) found.push({ kind: 'credential', span });
  return found;
}

export interface FoundUrl {
  readonly span: Span;
  /** Lower-case host name, or null when the text is not a parsable URL. */
  readonly host: string | null;
  readonly scheme: 'https' | 'http' | 'other' | 'none';
}

const TLDS =
  'com|net|org|info|biz|io|co|de|eu|ru|cn|xyz|top|online|site|app|dev|me|ly|gl|link|click|example|uk|fr|ch|at|nl|shop|bank|finance|money|tk|ml|ga|cf|gq|su|cc|tv|ws|pw|live|win|bid|loan|vip|work|club';
const URL_PATTERN = new RegExp(
  `(?:[a-z][a-z0-9+.-]{1,15}:\\/\\/[^\\s<>"'\\])]+)|(?:www\\.[^\\s<>"'\\])]+)|(?<![\\p{L}\\p{N}@.\\/-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})(?![\\p{L}\\p{N}-])(?:\\/[^\\s<>"'\\])]*)?`,
  'giu',
);

/** Links in a text: explicit URLs, www. addresses and bare domains with a common top-level domain. */
export function findUrls(text: string): FoundUrl[] {
  const out: FoundUrl[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(/[.,;:!?]+$/, '');
    const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
    const scheme = schemeMatch === null ? 'none' : schemeMatch[1].toLowerCase() === 'https' ? 'https' : schemeMatch[1].toLowerCase() === 'http' ? 'http' : 'other';
    let host: string | null = null;
    try {
      host = new URL(schemeMatch === null ? `https://${raw}` : raw).hostname.toLowerCase();
    } catch {
      host = null;
    }
    out.push({ span: { offset: match.index, length: raw.length }, host, scheme });
  }
  return out;
}

const MARKUP = /<\s*\/?\s*[a-z!][a-z0-9-]*(?:\s[^<>]*)?\/?\s*>|<!--|&lt;\s*\/?\s*script|!\[[^\]]*\]\([^)]*\)|(?<![\p{L}])on[a-z]{3,20}\s*=\s*["']/giu;
const SCRIPT_URL = /(?<![\p{L}])(?:javascript|vbscript|livescript)\s*:|(?<![\p{L}])data\s*:\s*[a-z]+\/[a-z0-9.+-]+/giu;

export function findMarkup(text: string): Span[] {
  return spans(MARKUP, text);
}

export function findScriptUrls(text: string): Span[] {
  return spans(SCRIPT_URL, text);
}

/** Long base64 or hex runs: text a reviewer cannot read, and the usual wrapper of smuggled instructions. */
export function findEncodedPayloads(text: string, minChars: number): Span[] {
  const base64 = new RegExp(`(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{${minChars},}={0,2}(?![A-Za-z0-9+/=])`, 'g');
  const hex = new RegExp(`(?<![0-9a-fA-F])[0-9a-fA-F]{${Math.max(minChars, 32)},}(?![0-9a-fA-F])`, 'g');
  const encodedLooking = (run: string) => /\d|[+/]/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run);
  return [...spans(base64, text, encodedLooking), ...spans(hex, text)];
}

/** Decodes base64 runs of a text (for screening briefs); runs that do not decode to mostly printable text are dropped. */
export function decodeBase64Runs(text: string, minChars = 16): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/[A-Za-z0-9+/]{16,}={0,2}/g)) {
    if (match[0].length < minChars) continue;
    const decoded = Buffer.from(match[0], 'base64').toString('utf8');
    const printable = decoded.replace(/[^\p{L}\p{N}\p{P}\p{Zs}]/gu, '');
    if (decoded.length > 0 && printable.length / decoded.length > 0.85) out.push(decoded);
  }
  return out;
}

export function rot13(text: string): string {
  return text.replace(/[A-Za-z]/g, (char) => {
    const base = char <= 'Z' ? 65 : 97;
    return String.fromCharCode(((char.charCodeAt(0) - base + 13) % 26) + base);
  });
}
