import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { TokenBucketLimiter, type TokenBucketOptions } from './token-bucket-limiter';

export interface RateLimitOptions extends Partial<Pick<TokenBucketOptions, 'maxKeys' | 'clock'>> {
  /** Sustained requests per second per API key; 0 turns the limit off. */
  readonly perSecond: number;
  /** Requests a key may send at once (default: one second's worth). */
  readonly burst?: number;
}

const DEFAULT_MAX_KEYS = 10_000;

/**
 * P4: limits every request that carries credentials, per credential (an API key, or a bearer token), with a token
 * bucket; over the quota it answers 429 RATE_LIMITED with Retry-After. It runs as a Fastify onRequest hook, before
 * the body is read and before authentication, so an offender costs one hash and one map lookup per request. The
 * key is a hash of the Authorization header: the secret itself is never kept. Requests without credentials are
 * left to the authentication guard (401). Limits are per process.
 */
export function registerRateLimit(fastify: FastifyInstance, options: RateLimitOptions): TokenBucketLimiter | undefined {
  if (options.perSecond <= 0) return undefined;
  const limiter = new TokenBucketLimiter({
    perSecond: options.perSecond,
    burst: options.burst ?? Math.max(1, Math.ceil(options.perSecond)),
    maxKeys: options.maxKeys ?? DEFAULT_MAX_KEYS,
    clock: options.clock,
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const authorization = request.headers.authorization;
    if (!authorization) return done();
    const verdict = limiter.take(createHash('sha256').update(authorization).digest('base64url'));
    if (verdict.allowed) return done();
    void reply
      .status(429)
      .header('Retry-After', String(verdict.retryAfterSeconds))
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: 'RATE_LIMITED', message: 'too many requests for this API key; retry after the number of seconds in Retry-After' });
  });
  return limiter;
}
