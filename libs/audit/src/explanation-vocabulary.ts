/**
 * The words explanations are made of, in German and English. Reason phrases are subordinate clauses that follow
 * "weil" / "because", so German verbs stand at the end.
 */
export type ExplanationLocale = 'de' | 'en';
export const EXPLANATION_LOCALES = ['de', 'en'] as const satisfies readonly ExplanationLocale[];

type Words = Readonly<Record<ExplanationLocale, string>>;

const PURPOSES: Readonly<Record<string, Words>> = {
  marketing: { en: 'marketing', de: 'Marketing' },
  profiling: { en: 'profiling', de: 'Profiling' },
  ai_personalization: { en: 'AI personalisation', de: 'KI-Personalisierung' },
  analytics: { en: 'analytics', de: 'Analysen' },
  service: { en: 'customer service', de: 'Kundenservice' },
  risk: { en: 'risk management', de: 'Risikomanagement' },
};

const CHANNELS: Readonly<Record<string, Words>> = {
  email: { en: 'e-mail', de: 'E-Mail' },
  sms: { en: 'SMS', de: 'SMS' },
  push: { en: 'push notification', de: 'Push-Nachricht' },
  app: { en: 'the app', de: 'die App' },
  web: { en: 'the website', de: 'die Website' },
  call_center: { en: 'the call centre', de: 'das Callcenter' },
  letter: { en: 'letter', de: 'Brief' },
  branch: { en: 'the branch', de: 'die Filiale' },
  ivr: { en: 'the phone menu', de: 'das Telefonmenü' },
};

/** Objection scopes: English, German nominative (in lists) and dative (after "widersprechen"). */
const OBJECTIONS: Readonly<Record<string, { en: string; de: string; deDative: string }>> = {
  direct_marketing: { en: 'direct marketing', de: 'Direktwerbung', deDative: 'der Direktwerbung' },
  profiling: { en: 'profiling', de: 'Profiling', deDative: 'dem Profiling' },
};

const LEGAL_BASES: Readonly<Record<string, Words>> = {
  consent: { en: 'your consent', de: 'Ihrer Einwilligung' },
  contract: { en: 'the performance of your contract', de: 'der Erfüllung Ihres Vertrags' },
  legal_obligation: { en: 'a legal obligation', de: 'einer rechtlichen Verpflichtung' },
  legitimate_interests: { en: 'our legitimate interests', de: 'unseren berechtigten Interessen' },
  vital_interests: { en: 'vital interests', de: 'lebenswichtigen Interessen' },
  public_task: { en: 'a task in the public interest', de: 'einer Aufgabe im öffentlichen Interesse' },
};

const CONSENT_STATUSES: Readonly<Record<string, Words>> = {
  given: { en: 'given', de: 'erteilt' },
  granted: { en: 'given', de: 'erteilt' },
  withdrawn: { en: 'withdrawn', de: 'widerrufen' },
  refused: { en: 'refused', de: 'verweigert' },
  unknown: { en: 'not asked yet', de: 'noch nicht erfragt' },
};

const lookup = (table: Readonly<Record<string, Words>>, code: string, locale: ExplanationLocale): string => table[code]?.[locale] ?? code;

export const purposeWords = (purpose: string, locale: ExplanationLocale) => lookup(PURPOSES, purpose, locale);
export const channelWords = (channel: string, locale: ExplanationLocale) => lookup(CHANNELS, channel, locale);
export const legalBasisWords = (basis: string, locale: ExplanationLocale) => lookup(LEGAL_BASES, basis, locale);
export const consentStatusWords = (status: string, locale: ExplanationLocale) => lookup(CONSENT_STATUSES, status, locale);
export const objectionWords = (scope: string, locale: ExplanationLocale) => OBJECTIONS[scope]?.[locale] ?? scope;
export const objectionDative = (scope: string) => OBJECTIONS[scope]?.deDative ?? `„${scope}“`;

/** `feature_name_30d` → `feature name 30d`: the registry's names are readable once the underscores go. */
export function featureWords(feature: string): string {
  return feature.replace(/_/g, ' ');
}

/** " via e-mail" / " über E-Mail", or nothing for a consent that covers every channel. */
export function viaChannel(channel: string | undefined, locale: ExplanationLocale): string {
  if (channel === undefined || channel === '' || channel === 'any') return '';
  return locale === 'de' ? ` über ${channelWords(channel, locale)}` : ` via ${channelWords(channel, locale)}`;
}

const numberFormats: Record<ExplanationLocale, Intl.NumberFormat> = {
  de: new Intl.NumberFormat('de-DE', { maximumFractionDigits: 4 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 4 }),
};

export function valueWords(value: unknown, locale: ExplanationLocale): string {
  if (value === null || value === undefined) return locale === 'de' ? 'unbekannt' : 'unknown';
  if (typeof value === 'boolean') return value ? (locale === 'de' ? 'ja' : 'yes') : locale === 'de' ? 'nein' : 'no';
  if (typeof value === 'number') return numberFormats[locale].format(value);
  return plainText(value);
}

/**
 * Any value a record holds, as text. A record read back from storage is not trusted to have the declared shape, and
 * `String()` or a template literal throws on some values (a symbol, an object whose `toString` is not a function),
 * so every field that reaches an explanation goes through here.
 */
export function plainText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null || value === undefined) return String(value);
  if (typeof value === 'symbol') return value.description ?? '?';
  try {
    return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? inner.toString() : inner)) ?? '?';
  } catch {
    return '?';
  }
}

/**
 * The value at `path` inside a record's free-form part (its output), or undefined wherever the path does not lead
 * through own properties of objects: that part's shape is not promised by the record.
 */
export function fieldOf(value: unknown, ...path: readonly string[]): unknown {
  let at = value;
  for (const key of path) at = typeof at === 'object' && at !== null && Object.hasOwn(at, key) ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

export function signedNumber(value: number, locale: ExplanationLocale): string {
  return (value >= 0 ? '+' : '−') + numberFormats[locale].format(Math.abs(value));
}

export function joinClauses(clauses: readonly string[], locale: ExplanationLocale): string {
  const and = locale === 'de' ? 'und' : 'and';
  if (clauses.length <= 1) return clauses.join('');
  return `${clauses.slice(0, -1).join(', ')} ${and} ${clauses[clauses.length - 1]}`;
}
