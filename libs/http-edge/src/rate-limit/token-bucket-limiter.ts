/** The verdict for one request: allowed, or refused with the seconds until a token is available again. */
export type RateVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface TokenBucketOptions {
  /** Sustained requests per second per key. */
  readonly perSecond: number;
  /** Requests a key may send at once after being idle (bucket size). */
  readonly burst: number;
  /** Keys remembered at most; the least recently seen is forgotten first (a forgotten key starts with a full bucket). */
  readonly maxKeys: number;
  readonly clock?: () => number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/**
 * Token buckets per key (an API key or bearer token), in bounded memory: a Map in least-recently-used order, so
 * a flood of distinct keys evicts old buckets instead of growing the heap.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.perSecond > 0) || !(options.burst >= 1) || !(options.maxKeys >= 1)) throw new Error('rate limit needs perSecond > 0, burst >= 1, maxKeys >= 1');
    this.clock = options.clock ?? Date.now;
  }

  take(key: string): RateVerdict {
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, atMs: now };
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (Math.max(0, now - bucket.atMs) * this.options.perSecond) / 1000);
    bucket.atMs = now;
    // Re-inserting moves the key to the most recent end of the Map's order.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.options.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.perSecond)) };
  }

  /** Keys currently remembered (for the memory bound's test). */
  get size(): number {
    return this.buckets.size;
  }
}
