import { CompiledEventValidator, DEFAULT_EVENT_VALIDATION_POLICY, EventValidationPolicy, EventValidationResult, IncomingEvent, formatPath } from '@kairos/contracts';
import { personalFieldsOf, readField } from './personal-fields';
import { isSealedValue } from './sealed-value';

/**
 * Validates an event as the log stores it: exactly like an event at the edge, except that a personal field may
 * hold a well-formed sealed value instead of its plaintext (an e-mail field holds `kx1:...`, not an address).
 * The sealed content is checked when it is opened: it was validated in plaintext before it was sealed, and a
 * value that does not open is dropped. For readers of the log that validate records (the Kafka decoder).
 */
/** Records of the log are mostly well-formed plaintext events: the compiled checks answer those without zod. */
const validator = new CompiledEventValidator();

export function validateStoredEvent(
  raw: unknown,
  nowMs: number,
  policy?: EventValidationPolicy,
  pathPrefix: readonly PropertyKey[] = [],
): EventValidationResult {
  const result = validator.validate(raw, nowMs, policy ?? DEFAULT_EVENT_VALIDATION_POLICY, pathPrefix);
  if (result.ok) return result;
  const envelope = raw as { type?: unknown; data?: unknown; occurredAt?: unknown };
  const fields = typeof envelope.type === 'string' ? personalFieldsOf(envelope.type) : undefined;
  if (!fields) return result;
  const sealedPaths = new Set(
    fields.filter((field) => isSealedValue(readField(envelope.data, field.segments))).map((field) => formatPath([...pathPrefix, 'data', ...field.segments])),
  );
  if (sealedPaths.size === 0) return result;
  const issues = result.issues.filter((issue) => !sealedPaths.has(issue.path));
  if (issues.length > 0) return { ok: false, issues };
  // Only the sealed fields failed, so the envelope and every other field passed the catalog as they are.
  return { ok: true, event: raw as IncomingEvent, occurredAtMs: Date.parse(envelope.occurredAt as string) };
}
