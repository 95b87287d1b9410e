/**
 * Mutual exclusion for one partition's state: a batch with its listeners, a tick, and the capture of a snapshot run
 * one at a time, in call order. Callers that find it free still wait one microtask — cheap next to a batch.
 */
export class PartitionLock {
  private tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    // The next caller waits for this one to settle, whether it succeeded or not.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
