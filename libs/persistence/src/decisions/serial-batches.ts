interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs one batch at a time, folding everything submitted while a batch runs into the next one: each caller resolves
 * (or fails) with the batch that carried its items. For a statement that must not run twice at once in a process.
 */
export class SerialBatches<T> {
  private next: { items: T[]; waiters: Waiter[] } | null = null;
  private running = false;

  constructor(private readonly runBatch: (items: readonly T[]) => Promise<void>) {}

  submit(items: readonly T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const next = (this.next ??= { items: [], waiters: [] });
      next.items.push(...items);
      next.waiters.push({ resolve, reject });
      if (!this.running) this.runNext();
    });
  }

  private runNext(): void {
    const batch = this.next;
    this.next = null;
    this.running = batch !== null;
    if (batch === null) return;
    let work: Promise<void>;
    try {
      work = this.runBatch(batch.items);
    } catch (error) {
      // A batch that throws before it is under way must not leave the queue waiting for it forever.
      work = Promise.reject(error);
    }
    work.then(
      () => this.settle(batch.waiters, (waiter) => waiter.resolve()),
      (error: unknown) => this.settle(batch.waiters, (waiter) => waiter.reject(error)),
    );
  }

  private settle(waiters: readonly Waiter[], how: (waiter: Waiter) => void): void {
    for (const waiter of waiters) how(waiter);
    this.runNext();
  }
}
