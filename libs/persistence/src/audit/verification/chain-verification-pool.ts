import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { AuditChainVerifier, ChainOutcome, ChainProofs } from '@kairos/audit';
import { startWorker } from '@kairos/worker-threads';
import type { ChainVerificationReply, ChainVerificationRequest, ChainVerificationSettings } from './chain-verification-protocol';

/** At most this many threads: each holds a database connection, and more cores than chains help nobody. */
export const MAX_VERIFICATION_THREADS = 4;

/**
 * Young generation of a verification thread. A page's rows (a few MB of strings) live until the page is checked; with
 * the default size many survive a scavenge and are copied into the old generation, and garbage collection measured a
 * fifth of a thread's time on PostgreSQL when it was read in pages (it now streams rows, which die at once: about 3%,
 * with no gain measured from a smaller young generation).
 */
const YOUNG_GENERATION_MB = 64;

interface Task {
  readonly request: ChainVerificationRequest;
  readonly resolve: (outcome: ChainOutcome) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Verification threads for one database (see chain-verification.worker.ts): chains are independent, so each thread
 * checks whole chains with a read connection of its own while the event loop stays free, and the threads together
 * use every core. Starting a thread costs far more than checking a small log (under swc-node it compiles its TypeScript
 * first), so the verifier uses the threads only once `ready()`: a verification of a large log starts them (`prepare`)
 * and checks on the event loop meanwhile; the threads are kept for every later verification. An idle pool does not
 * keep the process alive.
 */
export class ChainVerificationPool implements AuditChainVerifier {
  readonly lanes: number;
  private readonly idle: VerificationThread[] = [];
  private readonly queue: Task[] = [];
  /** Every live thread, idle or busy. */
  private readonly threads = new Set<VerificationThread>();
  private nextTaskId = 1;
  private closed = false;

  constructor(
    private readonly settings: ChainVerificationSettings,
    threads = Math.min(MAX_VERIFICATION_THREADS, availableParallelism()),
  ) {
    this.lanes = Math.max(1, threads);
  }

  ready(): boolean {
    return !this.closed && this.threads.size === this.lanes && [...this.threads].every((thread) => thread.ready);
  }

  async prepare(): Promise<void> {
    if (this.closed) return;
    while (this.threads.size < this.lanes) this.release(this.startThread());
    await Promise.all([...this.threads].map((thread) => thread.started));
  }

  verifyChain(chain: number, proofs: ChainProofs | undefined, pageSize?: number): Promise<ChainOutcome> {
    if (this.closed) return Promise.reject(new Error('the audit verification threads were closed'));
    return new Promise<ChainOutcome>((resolve, reject) => {
      this.queue.push({ request: { taskId: this.nextTaskId++, chain, proofs, pageSize }, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends every thread and its connection; chains asked for afterwards are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((thread) => thread.close()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.idle.pop() ?? (this.threads.size < this.lanes ? this.startThread() : undefined);
      if (thread === undefined) return;
      const task = this.queue.shift() as Task;
      thread.run(task.request).then(
        (outcome) => {
          this.release(thread);
          task.resolve(outcome);
        },
        (error: Error) => {
          task.reject(error);
          // A failed read left the thread well (it drops its connection and opens a new one for the next chain); a
          // thread that died is let go, and the next chain starts a fresh one.
          if (thread.alive) return this.release(thread);
          this.threads.delete(thread);
          this.dispatch();
        },
      );
    }
  }

  private startThread(): VerificationThread {
    const thread = new VerificationThread(this.settings);
    this.threads.add(thread);
    return thread;
  }

  private release(thread: VerificationThread): void {
    if (this.closed) {
      this.threads.delete(thread);
      void thread.close();
      return;
    }
    this.idle.push(thread);
    this.dispatch();
  }
}

/** One worker thread and its single chain under way. */
class VerificationThread {
  private readonly worker: Worker;
  private current: { readonly taskId: number; readonly resolve: (outcome: ChainOutcome) => void; readonly reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  /** Settles once the thread loaded its code and opened its connection (or failed to). */
  readonly started: Promise<void>;
  private startedNow = false;

  constructor(settings: ChainVerificationSettings) {
    this.worker = startWorker(__filename, 'chain-verification.worker', { workerData: settings, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    this.worker.unref();
    let signalStarted: () => void = () => undefined;
    this.started = new Promise<void>((resolve) => (signalStarted = resolve));
    this.worker.on('message', (reply: ChainVerificationReply) => {
      if (reply.kind === 'ready') {
        this.startedNow = true;
        return signalStarted();
      }
      const current = this.current;
      if (current?.taskId !== reply.taskId) return;
      this.settle();
      if (reply.kind === 'verified') current.resolve(reply.outcome);
      else current.reject(new Error(`audit chain verification failed: ${reply.message}`));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the audit verification thread exited with code ${code}`)));
    this.worker.on('exit', () => signalStarted());
  }

  /** Started and able to take a chain at once. */
  get ready(): boolean {
    return this.startedNow && this.failure === undefined;
  }

  get alive(): boolean {
    return this.failure === undefined;
  }

  run(request: ChainVerificationRequest): Promise<ChainOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<ChainOutcome>((resolve, reject) => {
      this.current = { taskId: request.taskId, resolve, reject };
      // Referenced only while a chain is under way: a pending verification keeps the process alive, an idle pool not.
      this.worker.ref();
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Referenced until it is gone: whoever awaits the close (a data source being destroyed) keeps the process alive.
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }

  private settle(): void {
    this.current = undefined;
    this.worker.unref();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const current = this.current;
    this.settle();
    current?.reject(error);
  }
}
