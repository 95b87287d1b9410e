import { TokenBucketLimiter } from './token-bucket-limiter';

describe('TokenBucketLimiter', () => {
  it('allows the burst, then the sustained rate, and names when to retry', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ perSecond: 2, burst: 3, maxKeys: 10, clock: () => now });
    expect([1, 2, 3].map(() => limiter.take('k').allowed)).toEqual([true, true, true]);
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now = 499;
    expect(limiter.take('k').allowed).toBe(false);
    now = 500;
    expect(limiter.take('k').allowed).toBe(true);
    // Another key has its own bucket.
    expect(limiter.take('other').allowed).toBe(true);
  });

  it('rounds Retry-After up to whole seconds for slow rates', () => {
    const limiter = new TokenBucketLimiter({ perSecond: 0.25, burst: 1, maxKeys: 10, clock: () => 0 });
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k')).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });

  it('keeps at most maxKeys buckets, forgetting the least recently seen', () => {
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 1, maxKeys: 100, clock: () => 0 });
    for (let i = 0; i < 10_000; i++) limiter.take(`key-${i}`);
    expect(limiter.size).toBe(100);
    // key-9999 is remembered (empty bucket), key-0 was forgotten (fresh bucket).
    expect(limiter.take('key-9999').allowed).toBe(false);
    expect(limiter.take('key-0').allowed).toBe(true);
  });
});
