import { z } from 'zod';
import { EVENT_TYPES, EventData, EventType } from './event-catalog';
import { identifierSchema, isoInstantSchema } from './field-rules';

/** External identifiers by which a source may name a customer instead of the customer id. */
export const IDENTIFIER_KINDS = ['cardId', 'emailHash', 'deviceId'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const identifiersSchema = z
  .strictObject({
    cardId: identifierSchema.optional(),
    emailHash: z.string().regex(/^[a-f0-9]{64}$/, 'must be a lowercase hex SHA-256 of the normalised e-mail').optional(),
    deviceId: identifierSchema.optional(),
  })
  .refine((ids) => Object.values(ids).some((v) => v !== undefined), { message: 'must name at least one identifier' });

export type CustomerIdentifiers = z.infer<typeof identifiersSchema>;

/** The envelope without its type-specific data; `data` is checked against the catalog afterwards. */
export const eventEnvelopeSchema = z.strictObject({
  id: identifierSchema,
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  customerId: identifierSchema.optional(),
  identifiers: identifiersSchema.optional(),
  occurredAt: isoInstantSchema,
  source: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a lowercase source name such as core-banking'),
  data: z.record(z.string(), z.unknown()),
});

/** An event as a producer sends it: it names its customer directly or by an identifier. */
export interface IncomingEvent<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  readonly customerId?: string;
  readonly identifiers?: CustomerIdentifiers;
  readonly occurredAt: string;
  readonly source: string;
  readonly data: EventData<T>;
}

/**
 * An event bound to its customer and stamped at ingestion: this is what the log stores and profiles fold.
 * `occurredAtMs`/`receivedAtMs` are epoch milliseconds so the hot path never parses dates.
 */
export interface CustomerEvent<T extends EventType = EventType> extends IncomingEvent<T> {
  readonly customerId: string;
  readonly occurredAtMs: number;
  readonly receivedAtMs: number;
}

/**
 * Binds an event that names its customer directly, as one literal in the envelope's field order: every such event
 * shares one object shape (cheap to store, serialise and fold), and its JSON equals that of the validated event.
 */
export function customerEventOf(event: IncomingEvent & { readonly customerId: string }, occurredAtMs: number, receivedAtMs: number): CustomerEvent {
  return {
    id: event.id,
    type: event.type,
    customerId: event.customerId,
    occurredAt: event.occurredAt,
    source: event.source,
    data: event.data,
    occurredAtMs,
    receivedAtMs,
  } as CustomerEvent;
}

/** A stored event with its place in the log. */
export interface LoggedEvent<T extends EventType = EventType> {
  readonly partition: number;
  readonly offset: number;
  readonly event: CustomerEvent<T>;
}
