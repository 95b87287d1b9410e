/**
 * Payment card numbers (PAN) must never enter Kairos (PCI DSS scope). A maximal run of 13-19 digits, optionally
 * separated by single spaces or dashes, that passes the Luhn check counts as a PAN. Only whole runs are checked:
 * testing every window of a longer run would flag one in ten random digit strings.
 */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

export function containsPaymentCardNumber(text: string): boolean {
  if (text.length < 13) return false;
  for (const match of text.matchAll(DIGIT_RUN)) {
    if (match[0].length < 13) continue;
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) return true;
  }
  return false;
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
 * walk cannot be driven into a stack overflow by hostile nesting.
 */
export function findPaymentCardNumber(value: unknown, path: (string | number)[] = [], maxDepth = 16): (string | number)[] | null {
  if (typeof value === 'string') return containsPaymentCardNumber(value) ? path : null;
  if (typeof value === 'number') return Number.isInteger(value) && containsPaymentCardNumber(String(value)) ? path : null;
  if (maxDepth === 0 || value === null || typeof value !== 'object') return null;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((child, i) => [i, child]) : Object.entries(value);
  for (const [key, child] of entries) {
    const found = findPaymentCardNumber(child, [...path, key], maxDepth - 1);
    if (found) return found;
  }
  return null;
}
