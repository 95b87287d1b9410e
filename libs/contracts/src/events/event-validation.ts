import { ValidationIssue, formatPath, fromZodIssues } from '../errors/validation-issue';
import { GOVERNANCE_EVENT_TYPES, eventDataSchemas } from './event-catalog';
import { IncomingEvent, eventEnvelopeSchema } from './event-envelope';
import { findPaymentCardNumber } from './payment-card-number';

export interface EventValidationPolicy {
  /** How far `occurredAt` may lie ahead of the receiving clock (clock skew between sources), in ms. */
  readonly maxFutureSkewMs: number;
  /**
   * Accept the governance event types (consent changes, objections, erasures). Off for every external producer
   * (HTTP ingestion, the source topic): a producer that could send them could grant consent or erase a customer
   * without the governance API's checks, ledger and audit. Only the governance API and the decoding of our own
   * log records turn it on.
   */
  readonly acceptGovernanceEvents?: boolean;
}

export const DEFAULT_EVENT_VALIDATION_POLICY: EventValidationPolicy = { maxFutureSkewMs: 5 * 60_000, acceptGovernanceEvents: false };

/** For events the governance API writes and for reading them back from the log. */
export const GOVERNANCE_EVENT_VALIDATION_POLICY: EventValidationPolicy = { ...DEFAULT_EVENT_VALIDATION_POLICY, acceptGovernanceEvents: true };

export type EventValidationResult =
  | { readonly ok: true; readonly event: IncomingEvent; readonly occurredAtMs: number }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/**
 * Validates one event as it arrives at any edge (HTTP, source topic). `pathPrefix` locates it in its batch so
 * every issue names the exact field, e.g. `events[3].data.amount`.
 */
export function validateIncomingEvent(
  raw: unknown,
  nowMs: number,
  policy: EventValidationPolicy = DEFAULT_EVENT_VALIDATION_POLICY,
  pathPrefix: readonly PropertyKey[] = [],
): EventValidationResult {
  const envelope = eventEnvelopeSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, issues: fromZodIssues(envelope.error.issues, pathPrefix) };
  const candidate = envelope.data;

  const issues: ValidationIssue[] = [];
  if (GOVERNANCE_EVENT_TYPES.has(candidate.type) && policy.acceptGovernanceEvents !== true) {
    issues.push({
      path: formatPath([...pathPrefix, 'type']),
      rule: 'governance_event_type_refused',
      message: `${candidate.type} is written by the governance API only (consents, objections, erasure have their own endpoints)`,
    });
  }
  const data = eventDataSchemas[candidate.type].safeParse(candidate.data);
  if (!data.success) issues.push(...fromZodIssues(data.error.issues, [...pathPrefix, 'data']));

  if (candidate.customerId === undefined && candidate.identifiers === undefined) {
    issues.push({ path: formatPath([...pathPrefix, 'customerId']), rule: 'required', message: 'customerId or identifiers is required' });
  }

  const occurredAtMs = Date.parse(candidate.occurredAt);
  if (occurredAtMs > nowMs + policy.maxFutureSkewMs) {
    issues.push({
      path: formatPath([...pathPrefix, 'occurredAt']),
      rule: 'not_in_future',
      message: `must not lie more than ${Math.round(policy.maxFutureSkewMs / 1000)} s in the future`,
    });
  }

  // A PAN is named as such even when the field is also malformed: it is the finding the sender must act on.
  const panPath = findPaymentCardNumber(raw);
  if (panPath) {
    issues.push({
      path: formatPath([...pathPrefix, ...panPath]),
      rule: 'no_payment_card_number',
      message: 'must not contain a payment card number (PAN); send a card token instead',
    });
  }

  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, event: { ...candidate, data: data.data } as IncomingEvent, occurredAtMs };
}
