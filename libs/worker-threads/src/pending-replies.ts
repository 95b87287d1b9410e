import type { Worker } from 'node:worker_threads';

/** What a caller waits with: at least a way to fail it. */
export interface PendingReply {
  readonly reject: (error: Error) => void;
}

/**
 * The requests a worker thread has not answered yet, by request id. Once the thread failed (an error, an exit), every
 * waiting request is rejected with that failure and so is every later one, so no caller waits forever on a thread
 * that is gone. `referenceWhilePending`: the thread keeps the process alive only while a request waits (an idle
 * writer never holds a process open, a pending write always does); otherwise the caller decides.
 */
export class PendingReplies<Entry extends PendingReply> {
  private readonly waiting = new Map<number, Entry>();
  private nextRequestId = 1;
  private failure: Error | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly referenceWhilePending: boolean,
  ) {}

  /** The failure every request is rejected with, once the thread failed. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Registers `entry` under a new request id, then `send`s the request that carries it. */
  ask(entry: Entry, send: (requestId: number) => void): void {
    if (this.failure) return entry.reject(this.failure);
    const requestId = this.nextRequestId++;
    if (this.referenceWhilePending && this.waiting.size === 0) this.worker.ref();
    this.waiting.set(requestId, entry);
    send(requestId);
  }

  /** The entry still waiting for `requestId`, left in place (a reply that is not the last one). */
  peek(requestId: number): Entry | undefined {
    return this.waiting.get(requestId);
  }

  /** Removes and returns the entry of an answered request. */
  take(requestId: number): Entry | undefined {
    const entry = this.waiting.get(requestId);
    if (entry === undefined) return undefined;
    this.waiting.delete(requestId);
    if (this.referenceWhilePending && this.waiting.size === 0) this.worker.unref();
    return entry;
  }

  /** Rejects every waiting request, and every later one, with the first failure. */
  failAll(error: Error): void {
    this.failure ??= error;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const entry of waiting) entry.reject(error);
  }
}
