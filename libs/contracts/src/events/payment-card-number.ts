/**
 * Payment card numbers (PAN) must never enter Kairos (PCI DSS scope). A maximal run of 13-19 digits, optionally
 * separated by single spaces or dashes, that passes the Luhn check counts as a PAN. Only whole runs are checked:
 * testing every window of a longer run would flag one in ten random digit strings.
 */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

export function containsPaymentCardNumber(text: string): boolean {
  if (text.length < 13 || countDigits(text) < 13) return false;
  for (const match of text.matchAll(DIGIT_RUN)) {
    if (match[0].length < 13) continue;
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) return true;
  }
  return false;
}

/** Most strings (ids, timestamps, names) hold fewer than 13 digits: counting them is far cheaper than the regex. */
function countDigits(text: string): number {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
  }
  return digits;
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Walks a parsed JSON value and returns the path of the first string or number that holds a PAN. The walk stops
 * at `maxDepth`: the catalog's schemas are shallow, so anything deeper is rejected by them anyway, and a bounded
 * walk cannot be driven into a stack overflow by hostile nesting. The path is built only on a hit, on the way back
 * up: this runs for every accepted event, so the common (clean) walk allocates nothing.
 */
export function findPaymentCardNumber(value: unknown, maxDepth = 16): (string | number)[] | null {
  if (typeof value === 'string') return containsPaymentCardNumber(value) ? [] : null;
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) >= 1e12 && containsPaymentCardNumber(String(value)) ? [] : null;
  if (maxDepth === 0 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findPaymentCardNumber(value[i], maxDepth - 1);
      if (found) return [i, ...found];
    }
    return null;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const found = findPaymentCardNumber((value as Record<string, unknown>)[key], maxDepth - 1);
    if (found) return [key, ...found];
  }
  return null;
}
