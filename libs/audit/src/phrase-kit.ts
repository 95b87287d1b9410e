import type { ExplanationLocale } from './explanation-vocabulary';

/** A reason code's arguments (`code:arg:arg`) in words: a clause that completes "… because" / "…, weil". */
export type Phrase = (args: readonly string[], locale: ExplanationLocale) => string;

/** A phrase given as its English and German clauses. */
export const both =
  (en: (args: readonly string[]) => string, de: (args: readonly string[]) => string): Phrase =>
  (args, locale) =>
    locale === 'de' ? de(args) : en(args);

export const arg = (args: readonly string[], i: number, fallback = '?') => (args[i] === undefined || args[i] === '' ? fallback : args[i]);

/** Argument i and every one after it: an expression or a free-text reason may itself contain the separator. */
export const rest = (args: readonly string[], i: number) => arg([args.slice(i).join(':')], 0);
