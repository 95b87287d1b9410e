/**
 * Epoch ms of an ISO-8601 instant `YYYY-MM-DDTHH:MM:SS[.sss](Z|±HH:MM)`, the shape every catalog event carries.
 * `Date.parse` costs about a microsecond per offset timestamp, which dominates building datasets from tens of
 * millions of events; anything not in that exact shape falls back to it.
 */
export function parseInstantMs(text: string): number {
  const n = text.length;
  if (n < 20 || text.charCodeAt(10) !== 84 /* T */) return Date.parse(text);
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === 46 /* . */) {
    if (n < 24) return Date.parse(text);
    millis = digits(text, 20, 3);
    at = 23;
  }
  let offsetMinutes = 0;
  const sign = text.charCodeAt(at);
  if (sign === 90 /* Z */ && n === at + 1) offsetMinutes = 0;
  else if ((sign === 43 || sign === 45) && n === at + 6 && text.charCodeAt(at + 3) === 58) {
    offsetMinutes = (digits(text, at + 1, 2) * 60 + digits(text, at + 4, 2)) * (sign === 45 ? -1 : 1);
  } else return Date.parse(text);
  if ((year | month | day | hour | minute | second | millis) < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return Date.parse(text);
  }
  const dateKey = year * 10_000 + month * 100 + day;
  if (dateKey !== cachedDateKey) {
    cachedDateKey = dateKey;
    cachedDayMs = Date.UTC(year, month - 1, day);
  }
  return cachedDayMs + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/** Events come in time order, so consecutive ones share their date: its midnight is computed once. */
let cachedDateKey = -1;
let cachedDayMs = 0;

/** The decimal number of `count` digits at `from`, or -1 if any is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}
