export interface MicroBatcherOptions {
  /** Flush as soon as this many requests wait (default 256). */
  readonly maxBatch?: number;
  /**
   * How long the first waiting request may wait for company, in ms (default 0: until the current turn of the
   * event loop ends, so concurrent decisions share a model call without adding a timer's latency).
   */
  readonly maxDelayMs?: number;
}

/**
 * Collects requests that arrive together and hands them to `handle` as one batch: one model call serves many
 * concurrent decisions. Each caller gets its own result; a failing batch rejects every caller in it.
 */
export class MicroBatcher<Request, Result> {
  private pending: { request: Request; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  /** Batches handed to `handle` so far, and the requests in them (for metrics). */
  batches = 0;
  requests = 0;

  constructor(
    private readonly handle: (batch: readonly Request[]) => Promise<readonly Result[]> | readonly Result[],
    options: MicroBatcherOptions = {},
  ) {
    this.maxBatch = Math.max(1, options.maxBatch ?? 256);
    this.maxDelayMs = Math.max(0, options.maxDelayMs ?? 0);
  }

  submit(request: Request): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        if (this.maxDelayMs === 0) setImmediate(() => this.flush());
        else setTimeout(() => this.flush(), this.maxDelayMs).unref();
      }
    });
  }

  /** Hands everything waiting to `handle` now. */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.batches++;
    this.requests += batch.length;
    let results: Promise<readonly Result[]> | readonly Result[];
    try {
      results = this.handle(batch.map((entry) => entry.request));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    Promise.resolve(results).then(
      (values) => {
        batch.forEach((entry, i) => (i < values.length ? entry.resolve(values[i]) : entry.reject(new Error('batch returned too few results'))));
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  }
}
