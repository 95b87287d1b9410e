import type { Worker } from 'node:worker_threads';
import { PendingReplies, startWorker } from '@kairos/worker-threads';
import type { AppendReply, AppendRequest, CommitReply, CommitRequest, PurgeReply, PurgeRequest, WriterReply, WriterRequest } from './log-writer-protocol';

type AnswerReply = AppendReply | CommitReply | PurgeReply;

/** Starts the writer thread and turns its message protocol into promises. */
export class LogWriterClient {
  private readonly pending: PendingReplies<{ resolve: (reply: AnswerReply) => void; reject: (error: Error) => void }>;
  private closed: (() => void) | undefined;

  private constructor(private readonly worker: Worker) {
    // The log writer stays referenced for the process's life: the log is open until it is closed.
    this.pending = new PendingReplies(worker, false);
    worker.on('message', (message: WriterReply) => this.onReply(message));
    worker.on('error', (error) => this.pending.failAll(error));
    worker.on('exit', (code) => {
      this.pending.failAll(new Error(`embedded log writer exited with code ${code}`));
      this.closed?.();
    });
  }

  static async start(dbPath: string, partitionCount: number, synchronous: 'full' | 'normal'): Promise<{ client: LogWriterClient; heads: number[] }> {
    const worker = startWorker(__filename, 'log-writer.worker');
    const ready = new Promise<number[]>((resolve, reject) => {
      worker.once('message', (message: WriterReply) => {
        if (message.kind === 'ready') resolve(message.heads);
        else reject(new Error(message.kind === 'failed' ? message.message : `unexpected writer reply ${message.kind}`));
      });
      worker.once('error', reject);
    });
    const client = new LogWriterClient(worker);
    client.post({ kind: 'init', dbPath, partitionCount, synchronous });
    try {
      return { client, heads: await ready };
    } catch (error) {
      await worker.terminate();
      throw error;
    }
  }

  append(request: Omit<AppendRequest, 'kind' | 'requestId'>): Promise<AppendReply> {
    return this.ask<AppendReply>((requestId) => ({ kind: 'append', requestId, ...request }));
  }

  commit(request: Omit<CommitRequest, 'kind' | 'requestId'>): Promise<CommitReply> {
    return this.ask<CommitReply>((requestId) => ({ kind: 'commit', requestId, ...request }));
  }

  purge(request: Omit<PurgeRequest, 'kind' | 'requestId'>): Promise<PurgeReply> {
    return this.ask<PurgeReply>((requestId) => ({ kind: 'purge', requestId, ...request }));
  }

  private ask<R extends AnswerReply>(build: (requestId: number) => WriterRequest): Promise<R> {
    return new Promise<R>((resolve, reject) => this.pending.ask({ resolve: resolve as (reply: AnswerReply) => void, reject }, (requestId) => this.post(build(requestId))));
  }

  async close(): Promise<void> {
    if (this.pending.failed) return;
    const done = new Promise<void>((resolve) => (this.closed = resolve));
    this.post({ kind: 'close' });
    await done;
  }

  private post(message: WriterRequest): void {
    this.worker.postMessage(message);
  }

  private onReply(message: WriterReply): void {
    switch (message.kind) {
      case 'appended':
      case 'committed':
      case 'purged':
        this.pending.take(message.requestId)?.resolve(message);
        return;
      case 'failed':
        for (const id of message.requestIds) this.pending.take(id)?.reject(new Error(message.message));
        return;
      case 'closed':
        void this.worker.terminate();
        return;
      case 'ready':
        return;
    }
  }
}
