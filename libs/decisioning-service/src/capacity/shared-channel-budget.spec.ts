import type { CapacityWindowKey, OutboxEntry } from '@kairos/persistence';
import { SharedChannelBudget, type CapacityWindowStore } from './shared-channel-budget';

/** The database table in memory: the budget's own logic (order, overflow, maxDefer, port), not the locking. */
class MemoryWindows implements CapacityWindowStore {
  readonly used = new Map<string, number>();
  async claim(key: CapacityWindowKey, capacity: number, wanted: number): Promise<{ granted: number; used: number }> {
    const id = `${key.channel}@${key.windowStartMs}`;
    const before = this.used.get(id) ?? 0;
    const granted = Math.max(0, Math.min(wanted, capacity - before));
    this.used.set(id, before + granted);
    return { granted, used: before + granted };
  }
  async usage(keys: readonly CapacityWindowKey[]): Promise<Map<string, number>> {
    return new Map(keys.map((key) => [key.channel, this.used.get(`${key.channel}@${key.windowStartMs}`) ?? 0]));
  }
  async prune(): Promise<number> {
    return 0;
  }
}

const MINUTE = 60_000;
let nextId = 1;
const row = (channel: string, priority: number, fields: Partial<OutboxEntry> = {}): OutboxEntry =>
  ({ id: nextId++, decisionId: `d-${nextId}`, actionId: 'a', channel, priority, createdAtMs: 0, nextAttemptAtMs: 0, attempts: 0, lastError: null, ...fields }) as OutboxEntry;

describe('shared channel budget', () => {
  it('lets the highest priorities out, defers the rest to the next window and drops them after maxDefer from the first hold', async () => {
    const windows = new MemoryWindows();
    const budget = new SharedChannelBudget([{ channel: 'sms', capacity: 2, window: '1m', overflow: 'defer', maxDefer: '2m' }], windows);
    const batch = [row('sms', 1), row('sms', 9), row('sms', 5)];
    const first = await budget.admit('sms', batch, 10 * MINUTE + 5);
    expect(first.send.map((e) => e.priority)).toEqual([9, 5]);
    expect(first.wait).toEqual([{ entry: batch[0], untilMs: 11 * MINUTE, note: `capacity_deferred_since:${10 * MINUTE + 5}` }]);
    expect(budget.port('sms', 10 * MINUTE + 6)).toBe(false);
    expect(budget.port('sms', 11 * MINUTE)).toBe(true);
    // Held since 10:00:00.005; at 12:00:00.005 it has waited maxDefer (2m) and is dropped, not sent late.
    const waited = { ...batch[0]!, lastError: first.wait[0]!.note };
    await windows.claim({ channel: 'sms', windowStartMs: 12 * MINUTE }, 2, 2);
    const late = await budget.admit('sms', [waited], 12 * MINUTE + 5);
    expect(late.cancel).toEqual([{ entry: waited, reason: 'capacity:deferred_too_long' }]);
    expect(budget.states(12 * MINUTE + 6)[0]).toMatchObject({ scope: 'cluster', state: 'open', usedInWindow: 2, released: 2, deferrals: 1, queued: 0, skippedByDecisions: 1, dropped: { deferred_too_long: 1 } });
  });

  it('drops at once on a drop channel, passes unlimited channels, and learns the others\u2019 use on refresh', async () => {
    const windows = new MemoryWindows();
    const budget = new SharedChannelBudget([{ channel: 'push', capacity: 1, window: '1h', overflow: 'drop' }], windows);
    const push = await budget.admit('push', [row('push', 1), row('push', 2)], 0);
    expect([push.send.length, push.wait.length, push.cancel.map((c) => c.reason)]).toEqual([1, 0, ['capacity:capacity_exceeded']]);
    const email = [row('email', 1)];
    expect(await budget.admit('email', email, 0)).toEqual({ send: email, wait: [], cancel: [] });
    // Another process spent the next window: this one only knows after refresh.
    const other = new SharedChannelBudget([{ channel: 'push', capacity: 1, window: '1h', overflow: 'drop' }], windows);
    await windows.claim({ channel: 'push', windowStartMs: 3_600_000 }, 1, 1);
    expect(other.port('push', 3_600_001)).toBe(true);
    await other.refresh(3_600_001);
    expect(other.port('push', 3_600_002)).toBe(false);
  });
});
