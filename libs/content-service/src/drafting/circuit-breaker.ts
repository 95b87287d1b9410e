export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit refuses calls before one probe is let through, in ms. */
  readonly openMs: number;
  readonly now?: () => number;
}

/**
 * Stops hammering a failing model endpoint: after `failureThreshold` consecutive failures calls are refused for
 * `openMs`; then a single probe decides whether to close again or stay open.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntilMs = 0;
  private current: CircuitState = 'closed';
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.current;
  }

  /** Whether a call may go out now; in half-open state only one probe at a time. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.now() < this.openUntilMs) return false;
      this.current = 'half_open';
      this.probeInFlight = false;
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.current = 'closed';
    this.probeInFlight = false;
  }

  recordFailure(): void {
    this.failures++;
    this.probeInFlight = false;
    if (this.current === 'half_open' || this.failures >= this.options.failureThreshold) {
      this.current = 'open';
      this.openUntilMs = this.now() + this.options.openMs;
    }
  }

  /** Seconds until a probe may go out, for Retry-After. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.openUntilMs - this.now()) / 1000));
  }
}
