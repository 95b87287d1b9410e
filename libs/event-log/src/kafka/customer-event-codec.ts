import { CustomerEvent, GOVERNANCE_EVENT_VALIDATION_POLICY, LoggedEvent, ValidationIssue } from '@kairos/contracts';
import { validateStoredEvent } from '@kairos/privacy';

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** A reason names the failed fields and rules only: values could be personal data and never go into headers. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  const text = issues.map((i) => `${i.path || '(root)'}: ${i.rule}`).join('; ');
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

export function parseJson(value: Buffer | null): DecodeResult<unknown> {
  if (value === null || value.length === 0) return { ok: false, reason: 'empty_value' };
  try {
    return { ok: true, value: JSON.parse(value.toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
}

export function encodeCustomerEvent(event: CustomerEvent): string {
  return JSON.stringify(event);
}

/**
 * Decodes one record of the customer-event topic. Records normally come from our own producer, but anything with
 * write access can put bytes there (D7), so each is validated exactly like an event arriving at the edge, plus
 * the fields ingestion stamps. `receivedAtMs` serves as "now" for the future-skew rule: that is when the event
 * was judged at ingestion, and replaying an old log must not reject what was valid then.
 */
export function decodeLoggedEvent(value: Buffer | null, partition: number, offset: number): DecodeResult<LoggedEvent> {
  const parsed = parseJson(value);
  if (!parsed.ok) return parsed;
  const raw = parsed.value;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not_an_object' };

  const { occurredAtMs, receivedAtMs, ...envelope } = raw as Record<string, unknown>;
  const stamped: string[] = [];
  if (typeof envelope['customerId'] !== 'string') stamped.push('customerId: required');
  if (typeof occurredAtMs !== 'number' || !Number.isFinite(occurredAtMs)) stamped.push('occurredAtMs: required_number');
  if (typeof receivedAtMs !== 'number' || !Number.isFinite(receivedAtMs)) stamped.push('receivedAtMs: required_number');
  if (stamped.length > 0) return { ok: false, reason: `invalid_event: ${stamped.join('; ')}` };

  // The internal topic carries what ingestion and the governance API wrote: sealed personal fields and governance
  // events are legitimate here (who may write to the topic is a matter of Kafka ACLs, not of this decoder).
  const result = validateStoredEvent(envelope, receivedAtMs as number, GOVERNANCE_EVENT_VALIDATION_POLICY);
  if (!result.ok) return { ok: false, reason: `invalid_event: ${describeIssues(result.issues)}` };
  const event = { ...result.event, occurredAtMs, receivedAtMs } as CustomerEvent;
  return { ok: true, value: { partition, offset, event } };
}
