import { z } from 'zod';

// Shared field shapes of the event catalog. Bounds keep one event small: a batch is at most 1 MiB.

/** Identifiers are opaque tokens, never free text: that keeps personal data out of keys and logs. */
export const identifierSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'must be 1-128 characters of letters, digits and . _ : @ -');

export const shortTextSchema = z.string().min(1).max(200);
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');
export const moneySchema = z.number().finite().gte(-1e12).lte(1e12);
export const isoDateSchema = z.iso.date();
export const isoInstantSchema = z.iso.datetime({ offset: true });
export const countryCodeSchema = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE');
export const languageCodeSchema = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language tag such as de or de-DE');
