/**
 * A sliding window is bucketed by its own unit: `10m` counts the current minute and the 9 before it, `30d` the
 * current UTC day and the 29 before it. Bucketing bounds memory per customer (at most `buckets` entries) and makes
 * the value exact at bucket precision, independent of the order late events arrive in.
 */
export type FeatureWindow =
  | { readonly kind: 'lifetime' }
  | { readonly kind: 'sliding'; readonly bucketMs: number; readonly buckets: number; readonly text: string };

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const UNITS: Record<string, { readonly ms: number; readonly max: number }> = {
  m: { ms: MINUTE_MS, max: 1440 },
  h: { ms: HOUR_MS, max: 720 },
  d: { ms: DAY_MS, max: 400 },
};

export const LIFETIME: FeatureWindow = { kind: 'lifetime' };

/** Returns the window, or a reason it is not one. */
export function parseFeatureWindow(text: string): FeatureWindow | string {
  if (text === 'lifetime') return LIFETIME;
  const match = /^([1-9][0-9]{0,3})([mhd])$/.exec(text);
  if (!match) return `must be 'lifetime' or a count and unit such as 10m, 24h or 30d`;
  const unit = UNITS[match[2]];
  const buckets = Number(match[1]);
  if (buckets > unit.max) return `must be at most ${unit.max}${match[2]}`;
  return { kind: 'sliding', bucketMs: unit.ms, buckets, text };
}

export function bucketOf(atMs: number, bucketMs: number): number {
  return Math.floor(atMs / bucketMs);
}
