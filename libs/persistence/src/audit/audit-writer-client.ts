import { MessageChannel, type Worker } from 'node:worker_threads';
import { PendingReplies, startWorker } from '@kairos/worker-threads';
import type { AuditWriterReply, AuditWriterRequest, AuditWriterSettings, HeadColumns, PlacementAnswer, RecordColumns } from './audit-writer-protocol';

/** Whether a request committed; false: nothing written, because a chain had moved. */
export type OptimisticOutcome = boolean;

/** The main thread's part of a locked placement: rows built on the heads read under the write lock. */
export type Placement = (heads: HeadColumns) => { readonly records: RecordColumns } | { readonly checkpoint: readonly [number, number, string, string, string] };

/** The database stayed write-locked by another process past busy_timeout: nothing was written. */
export class AuditWriterBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditWriterBusyError';
  }
}

interface Waiting {
  readonly resolve: (outcome: OptimisticOutcome) => void;
  readonly reject: (error: Error) => void;
  readonly place?: Placement;
  /** Why building the rows of a placement failed, kept to reject with the caller's own error. */
  placeError?: unknown;
}

/**
 * Starts the audit writer thread and turns its message protocol into promises. The thread is referenced only while
 * requests are in flight: an idle writer never keeps a process alive, a pending append always does.
 */
export class AuditWriterClient {
  private readonly pending: PendingReplies<Waiting>;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly placements = new MessageChannel();
  private readonly transactionsSeen = new Set<number>();
  private closed: (() => void) | undefined;

  private constructor(private readonly worker: Worker) {
    this.pending = new PendingReplies(worker, true);
    worker.on('message', (message: AuditWriterReply) => this.onReply(message));
    worker.on('error', (error) => this.pending.failAll(error));
    worker.on('exit', (code) => {
      this.pending.failAll(new Error(`the audit writer thread exited with code ${code}`));
      this.closed?.();
    });
  }

  static async start(settings: AuditWriterSettings): Promise<AuditWriterClient> {
    const worker = startWorker(__filename, 'audit-writer.worker');
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', (message: AuditWriterReply) => (message.kind === 'ready' ? resolve() : reject(new Error(message.kind === 'failed' ? message.message : `unexpected reply ${message.kind}`))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the audit writer thread exited with code ${code} while starting`)));
    });
    const client = new AuditWriterClient(worker);
    const placePort = client.placements.port2;
    worker.postMessage({ kind: 'init', ...settings, placeSignal: client.signal.buffer as SharedArrayBuffer, placePort } satisfies AuditWriterRequest, [placePort]);
    try {
      await ready;
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    worker.unref();
    return client;
  }

  /** Writes `records` if every chain's head is still `expected`; resolves after COMMIT returned. */
  append(expected: HeadColumns, records: RecordColumns): Promise<OptimisticOutcome> {
    return this.ask((requestId) => ({ kind: 'append', requestId, expected, records }));
  }

  /**
   * Reads the heads of `chains` (null: every chain, for a checkpoint) under the write lock, lets `place` build the
   * rows on them, writes them; resolves after COMMIT returned. Not committed only when the rows were not placed on those
   * heads (a taken place).
   */
  place(chains: number[] | null, place: Placement): Promise<OptimisticOutcome> {
    return this.ask((requestId) => ({ kind: 'place', requestId, chains }), place);
  }

  /** Ends the thread after it wrote what it was sent. */
  async close(): Promise<void> {
    if (this.pending.failed) return;
    const done = new Promise<void>((resolve) => (this.closed = resolve));
    this.worker.ref();
    this.worker.postMessage({ kind: 'close' } satisfies AuditWriterRequest);
    await done;
  }

  /** Stops the thread at once (as if it crashed): whatever is pending rejects. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  /** How many transactions committed this client's requests: fewer than the requests when group commit grouped. */
  get committedTransactions(): number {
    return this.transactionsSeen.size;
  }

  get failed(): boolean {
    return this.pending.failed !== undefined;
  }

  private ask(build: (requestId: number) => AuditWriterRequest, place?: Placement): Promise<OptimisticOutcome> {
    return new Promise<OptimisticOutcome>((resolve, reject) => this.pending.ask({ resolve, reject, place }, (requestId) => this.worker.postMessage(build(requestId))));
  }

  private onReply(message: AuditWriterReply): void {
    switch (message.kind) {
      case 'appended':
        this.transactionsSeen.add(message.transaction);
        this.pending.take(message.requestId)?.resolve(true);
        return;
      case 'conflict':
        this.pending.take(message.requestId)?.resolve(false);
        return;
      case 'heads':
        this.answerPlacement(message.requestId, message.heads);
        return;
      case 'busy':
      case 'failed':
        for (const id of message.requestIds) {
          const waiting = this.pending.take(id);
          waiting?.reject((waiting.placeError as Error) ?? (message.kind === 'busy' ? new AuditWriterBusyError(message.message) : new Error(message.message)));
        }
        return;
      case 'closed':
        void this.worker.terminate();
        return;
      case 'ready':
        return;
    }
  }

  /** The thread waits, holding the write lock: answer at once, even when building fails. */
  private answerPlacement(requestId: number, heads: HeadColumns): void {
    let answer: PlacementAnswer;
    const waiting = this.pending.peek(requestId);
    try {
      if (!waiting?.place) throw new Error(`no placement is waiting for request ${requestId}`);
      answer = { requestId, ...waiting.place(heads) };
    } catch (error) {
      if (waiting) waiting.placeError = error;
      answer = { requestId, error: (error as Error)?.message ?? String(error) };
    }
    this.placements.port1.postMessage(answer);
    Atomics.store(this.signal, 0, 1);
    Atomics.notify(this.signal, 0);
  }
}
