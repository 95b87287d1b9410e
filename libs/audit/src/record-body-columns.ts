import type { StoredAuditRecord } from './audit-record-body';

/**
 * Which stored column disagrees with the record's hashed body, or null when all agree.
 *
 * The verifier runs this on every record, and parsing each body would cost several times the SHA-256 of it. Instead
 * the checked members are found by substring search, which is exact for bodies the journal wrote. The reasoning,
 * to revisit whenever HASHED_FIELDS changes:
 *  - In JSON text a `"` inside a string is always escaped as `\"`, so `,"key":` (quote right after a comma) is never
 *    inside a string: it is always a member name of some object.
 *  - Top-level members come in sorted order: actor, chain, consent, counterfactuals, decisionId, id, inputs, kind,
 *    logic, occurredAtMs, output, prevHash, reasons, recordedAtMs, sealedPersonalData, sequence, subject.
 *  - Up to `kind`, nested objects (actor, consent, counterfactuals, inputs) have fixed member names none of which is
 *    chain, decisionId, id or kind: the first match after the previous member is the top-level one.
 *  - After `prevHash` no member holds an object (reasons are strings, sealed data is a string): the last match of
 *    prevHash, recordedAtMs, sequence and subject is the top-level one.
 *  - Between kind and prevHash sit logic (its `seeds` have caller-chosen names, with number values) and output (free
 *    form). The top-level occurredAtMs is the first `,"occurredAtMs":<digits>` followed by `,"output":{` or
 *    `,"prevHash":"`: a seed is followed by another number-valued seed or `}`, and output comes after it.
 * A body not written by the journal (forged with a recomputed hash) may fool this; it is caught by the chain links or
 * the signed checkpoints instead, which is why agreement is only checked after the hash and the link.
 */
export function columnDisagreement(row: StoredAuditRecord): string | null {
  const body = row.body;
  const chainAt = body.indexOf('},"chain":');
  if (!textAt(body, 0, '{"actor":{') || chainAt < 0) return 'body';
  if (!numberAt(body, chainAt + 10, row.chain)) return 'chain';
  const idAt = body.indexOf(',"id":"', chainAt);
  if (idAt < 0 || !stringAt(body, idAt + 6, row.id)) return 'id';
  // Searched backwards from id: decisionId, when present, sits just before it.
  const decisionAt = body.lastIndexOf(',"decisionId":"', idAt);
  if (!optionalStringAt(body, decisionAt > chainAt ? decisionAt + 14 : -1, row.decisionId)) return 'decisionId';
  const kindAt = body.indexOf(',"kind":"', idAt);
  if (kindAt < 0 || !stringAt(body, kindAt + 8, row.kind)) return 'kind';

  const prevAt = body.lastIndexOf(',"prevHash":"');
  if (prevAt < kindAt || !stringAt(body, prevAt + 12, row.prevHash)) return 'prevHash';
  const occurredAt = topLevelOccurredAt(body, kindAt, prevAt);
  if (occurredAt < 0 || !numberAt(body, occurredAt + 16, row.occurredAtMs)) return 'occurredAtMs';
  const recordedAt = body.lastIndexOf(',"recordedAtMs":');
  if (recordedAt < prevAt || !numberAt(body, recordedAt + 16, row.recordedAtMs)) return 'recordedAtMs';
  const sequenceAt = body.lastIndexOf(',"sequence":');
  if (sequenceAt < recordedAt || !numberAt(body, sequenceAt + 12, row.sequence)) return 'sequence';
  const subjectAt = body.lastIndexOf(',"subject":"');
  const hasSubject = subjectAt > sequenceAt;
  if (!optionalStringAt(body, hasSubject ? subjectAt + 11 : -1, row.subject)) return 'subject';
  // Nothing may follow the last member: a body cannot smuggle a second, differing copy of a member after it.
  const end = hasSubject ? stringEnd(body, subjectAt + 11) + 1 : digitsEnd(body, sequenceAt + 12);
  return end === body.length - 1 ? null : 'body';
}

function topLevelOccurredAt(body: string, from: number, before: number): number {
  for (let at = body.indexOf(',"occurredAtMs":', from); at >= 0 && at < before; at = body.indexOf(',"occurredAtMs":', at + 1)) {
    const after = digitsEnd(body, at + 16);
    if (textAt(body, after, ',"output":{') || textAt(body, after, ',"prevHash":"')) return at;
  }
  return -1;
}

/** Whether the integer at `start` is exactly `value` (digits, then no further digit). */
function numberAt(body: string, start: number, value: number): boolean {
  // Four numbers per record on the verifier's hot path: compared digit by digit, without printing `value`. Exact for
  // 1 to 15 digits without a leading zero, which is how JSON prints every non-negative integer below 10^15; anything
  // else (negative, larger, not an integer) is compared as text.
  if (value >= 0 && value < 1e15 && Number.isInteger(value)) {
    let parsed = 0;
    let at = start;
    for (let code = body.charCodeAt(at); isDigit(code); code = body.charCodeAt(++at)) parsed = parsed * 10 + (code - 0x30);
    const length = at - start;
    return length > 0 && length <= 15 && parsed === value && (length === 1 || body.charCodeAt(start) !== 0x30);
  }
  const digits = String(value);
  return textAt(body, start, digits) && !isDigit(body.charCodeAt(start + digits.length));
}

/**
 * `body.startsWith(text, start)`, which V8 compares character by character: a slice (a view of `body` for all but the
 * shortest texts) compared as a whole measured 3–5 times faster on ids and hashes, and these compares run several
 * times per record on the verifier's hot path.
 */
function textAt(body: string, start: number, text: string): boolean {
  return start >= 0 && body.slice(start, start + text.length) === text;
}

function digitsEnd(body: string, start: number): number {
  let end = start;
  while (isDigit(body.charCodeAt(end))) end++;
  return end;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Whether the JSON string starting at `start` (at its quote) is exactly `value`. */
function stringAt(body: string, start: number, value: string): boolean {
  // The common case (ids, hashes, kinds): compared in place, without building the JSON token. Without a quote or a
  // backslash in the value a match in place is a match of the token; characters JSON escapes (control characters,
  // lone surrogates) only make the in-place comparison miss, and the token comparison below decides.
  if (value.indexOf('"') < 0 && value.indexOf('\\') < 0 && body.charCodeAt(start) === QUOTE && textAt(body, start + 1, value) && body.charCodeAt(start + 1 + value.length) === QUOTE) {
    return true;
  }
  const token = JSON.stringify(value);
  return textAt(body, start, token) && stringEnd(body, start) === start + token.length - 1;
}

function optionalStringAt(body: string, start: number, column: string | null): boolean {
  if (start < 0) return column === null;
  return column !== null && stringAt(body, start, column);
}

/** Index of the quote closing the JSON string that opens at `start`, or -1. */
function stringEnd(body: string, start: number): number {
  if (body.charCodeAt(start) !== QUOTE) return -1;
  let quote = body.indexOf('"', start + 1);
  while (quote > 0 && isEscaped(body, quote)) quote = body.indexOf('"', quote + 1);
  return quote;
}

function isEscaped(body: string, at: number): boolean {
  let backslashes = 0;
  for (let j = at - 1; body.charCodeAt(j) === 0x5c; j--) backslashes++;
  return backslashes % 2 === 1;
}

const QUOTE = 0x22;
