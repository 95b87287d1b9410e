import { z } from 'zod';
import {
  countryCodeSchema,
  currencySchema,
  identifierSchema,
  isoDateSchema,
  isoInstantSchema,
  languageCodeSchema,
  moneySchema,
  shortTextSchema,
} from './field-rules';
import { productKindSchema } from './product.schema';

/**
 * The event-type catalog: one strict schema per type for its `data`. Strict objects reject unknown fields, so
 * nothing a producer invents slips into storage unvalidated. Bump the version on any change a consumer can see.
 */
export const EVENT_CATALOG_VERSION = '1.1.0';

/** Purposes of processing a customer can consent to (governance/purposes.json describes each). */
export const CONSENT_PURPOSES = ['marketing', 'profiling', 'ai_personalization', 'analytics'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
/** Channels a consent can be limited to; a consent without a channel covers every channel. */
export const CONSENT_CHANNELS = ['email', 'sms', 'push', 'app', 'call_center', 'letter'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

const consentChange = z.strictObject({
  consentId: identifierSchema,
  purpose: z.enum(CONSENT_PURPOSES),
  channel: z.enum(CONSENT_CHANNELS).optional(),
  status: z.enum(['given', 'withdrawn', 'refused']),
  method: z.enum(['web_form', 'app', 'call_center', 'branch', 'letter', 'email', 'api']),
  capturedAt: isoInstantSchema,
  noticeId: identifierSchema,
  noticeVersion: z.string().regex(/^[0-9]+(\.[0-9]+){0,2}$/, 'must be a version such as 1.2'),
  evidenceRef: identifierSchema,
});

const channelOfContact = z.enum(['ivr', 'call_center']);
const messageResponse = z.strictObject({ messageId: identifierSchema, actionId: identifierSchema, variantId: identifierSchema });
const contactData = z.strictObject({
  email: z.email().max(254).optional(),
  phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number').optional(),
});

export const eventDataSchemas = {
  customer_registered: z.strictObject({
    birthDate: isoDateSchema,
    country: countryCodeSchema,
    language: languageCodeSchema,
    timeZone: z.string().min(1).max(64).optional(),
    firstName: shortTextSchema.optional(),
    lastName: shortTextSchema.optional(),
    contact: contactData.optional(),
  }),
  product_opened: z.strictObject({ product: productKindSchema, productId: identifierSchema, limit: moneySchema.optional() }),
  product_closed: z.strictObject({ product: productKindSchema, productId: identifierSchema, reason: shortTextSchema.optional() }),
  card_transaction: z.strictObject({
    cardId: identifierSchema,
    product: z.enum(['credit_card', 'debit_card']),
    amount: moneySchema,
    currency: currencySchema,
    merchantCategory: z.string().regex(/^[0-9]{4}$/, 'must be a 4-digit ISO 18245 merchant category code'),
    channel: z.enum(['pos', 'ecommerce', 'atm', 'contactless', 'wallet']),
  }),
  atm_pin_failed: z.strictObject({ cardId: identifierSchema, atmId: identifierSchema }),
  card_locked: z.strictObject({ cardId: identifierSchema, reason: z.enum(['pin_attempts_exceeded', 'customer_request', 'fraud_suspected', 'other']) }),
  card_unlocked: z.strictObject({ cardId: identifierSchema, via: z.enum(['ivr', 'app', 'call_center', 'branch', 'automatic']) }),
  balance_changed: z.strictObject({ productId: identifierSchema, product: productKindSchema, balance: moneySchema, limit: moneySchema.optional() }),
  login: z.strictObject({ channel: z.enum(['web', 'app']), deviceId: identifierSchema.optional() }),
  page_view: z.strictObject({ channel: z.enum(['web', 'app']), page: z.string().min(1).max(200).regex(/^\/[A-Za-z0-9/_.-]*$/, 'must be a path starting with /') }),
  call_started: z.strictObject({ channel: channelOfContact }),
  complaint_filed: z.strictObject({ category: z.enum(['fees', 'service', 'product', 'fraud', 'other']), channel: shortTextSchema.optional() }),
  message_delivered: messageResponse,
  message_opened: messageResponse,
  message_clicked: messageResponse,
  // Governance events: written by the governance API onto the customer's partition, so they are ordered with
  // everything else the customer does; external producers may not send them (see GOVERNANCE_EVENT_TYPES).
  consent_changed: consentChange,
  processing_objected: z.strictObject({
    requestId: identifierSchema,
    scope: z.enum(['direct_marketing', 'profiling']),
    receivedAt: isoInstantSchema,
  }),
  customer_erased: z.strictObject({ requestId: identifierSchema, receivedAt: isoInstantSchema }),
} as const;

export type EventType = keyof typeof eventDataSchemas;
export const EVENT_TYPES = Object.keys(eventDataSchemas) as readonly EventType[];
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;

/** Types only the governance API writes; ingestion refuses them from producers. */
export const GOVERNANCE_EVENT_TYPES: ReadonlySet<EventType> = new Set<EventType>(['consent_changed', 'processing_objected', 'customer_erased']);

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(eventDataSchemas, value);
}
