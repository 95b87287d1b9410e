import { DraftingError, templateGenerator, type ContentDrafter, type DraftRequest, type DraftResult } from '@kairos/content';
import type { Logger } from '@kairos/observability';
import { CircuitBreaker } from './circuit-breaker';

export interface RetryPolicy {
  /** Attempts in total, the first included (at most 3: L4). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 4_000 };

export interface ResilientDrafterOptions {
  readonly retry?: RetryPolicy;
  readonly breaker: CircuitBreaker;
  /** Drafts instead when the model fails for good; the result names the reason (generator.fallbackReason). */
  readonly fallback?: ContentDrafter;
  readonly logger?: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Wraps a model drafter with bounded retries (exponential backoff with jitter), a circuit breaker shared by every
 * request, and an optional template fallback. It never returns part of a draft: the result is the primary's
 * complete answer, the fallback's, or a DraftingError.
 */
export class ResilientDrafter implements ContentDrafter {
  readonly kind: 'llm' | 'template';
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly primary: ContentDrafter,
    private readonly options: ResilientDrafterOptions,
  ) {
    this.kind = primary.kind;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    if (this.retry.maxAttempts < 1 || this.retry.maxAttempts > 3) throw new Error('maxAttempts must be between 1 and 3');
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
  }

  async draft(request: DraftRequest): Promise<DraftResult> {
    let last: DraftingError = new DraftingError('circuit_open', 'the model endpoint is failing; drafting is paused');
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      // Refused by an open circuit: on the first attempt the error says so, later ones keep the real failure.
      if (!this.options.breaker.tryAcquire()) break;
      try {
        const result = await this.primary.draft(request);
        this.options.breaker.recordSuccess();
        return result;
      } catch (error) {
        last = error instanceof DraftingError ? error : new DraftingError('provider_error', 'the drafter failed unexpectedly');
        // A refusal is about this brief, not about the endpoint's health.
        if (last.reason !== 'refused') this.options.breaker.recordFailure();
        this.options.logger?.warn({ reason: last.reason, attempt }, 'drafting attempt failed');
        if (!last.retryable || attempt === this.retry.maxAttempts) break;
        await this.sleep(this.backoff(attempt));
      }
    }
    if (this.options.fallback === undefined) throw last;
    const fallback = await this.options.fallback.draft(request);
    return { ...fallback, generator: templateGenerator(last.reason) };
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}
