import type { Worker } from 'node:worker_threads';
import { PendingReplies } from './pending-replies';

/** Only the reference calls a PendingReplies makes, counted. */
function countingWorker() {
  const calls: string[] = [];
  return { calls, worker: { ref: () => calls.push('ref'), unref: () => calls.push('unref') } as unknown as Worker };
}

const entry = () => {
  const settled: string[] = [];
  return { settled, reject: (error: Error) => settled.push(`rejected: ${error.message}`), resolve: (value: string) => settled.push(`resolved: ${value}`) };
};

describe('pending replies of a worker thread', () => {
  it('numbers requests, answers each once, and references the thread only while one waits', () => {
    const { calls, worker } = countingWorker();
    const pending = new PendingReplies<ReturnType<typeof entry>>(worker, true);
    const [a, b] = [entry(), entry()];
    const sent: number[] = [];
    pending.ask(a, (id) => sent.push(id));
    pending.ask(b, (id) => sent.push(id));
    expect(sent).toEqual([1, 2]);
    expect(pending.peek(2)).toBe(b);
    pending.take(1)?.resolve('one');
    expect(calls).toEqual(['ref']);
    pending.take(2)?.resolve('two');
    expect(pending.take(2)).toBeUndefined();
    expect(calls).toEqual(['ref', 'unref']);
    expect([...a.settled, ...b.settled]).toEqual(['resolved: one', 'resolved: two']);
  });

  it('rejects what waits and everything asked later with the first failure, without sending it', () => {
    const { calls, worker } = countingWorker();
    const pending = new PendingReplies<ReturnType<typeof entry>>(worker, false);
    const waiting = entry();
    pending.ask(waiting, () => undefined);
    pending.failAll(new Error('thread exited'));
    pending.failAll(new Error('a later error'));
    const late = entry();
    const sent: number[] = [];
    pending.ask(late, (id) => sent.push(id));
    expect(waiting.settled).toEqual(['rejected: thread exited']);
    expect(late.settled).toEqual(['rejected: thread exited']);
    expect(sent).toEqual([]);
    expect(pending.failed?.message).toBe('thread exited');
    expect(calls).toEqual([]);
  });
});
