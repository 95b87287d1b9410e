import { TriggerEngine } from '../engine/trigger-engine';
import { InMemoryTimerStore } from '../timers/in-memory-timer-store';
import { DAY, HOUR, PartitionHarness, T0, ids, registry } from '../testing/trigger-test-support';

const unusedCard = {
  id: 'credit-card-unused-30d',
  description: 'No credit card transaction within 30 days of opening',
  kind: 'absence' as const,
  after: { type: 'product_opened' as const, where: { product: 'credit_card' } },
  awaiting: { type: 'card_transaction' as const, where: { product: 'credit_card' } },
  within: '30d',
  correlateBy: 'productId',
  cooldown: '1d',
  proposes: ['credit-card-usage-nudge'],
};
const opened = (productId = 'cc-1') => ({ product: 'credit_card' as const, productId, limit: 2000 });
const purchase = (product: 'credit_card' | 'debit_card') => ({ cardId: 'card-1', product, amount: 12.5, currency: 'EUR', merchantCategory: '5411', channel: 'pos' as const });

describe('absence trigger', () => {
  it('fires when the 30 days run out without a credit card transaction', () => {
    const partition = new PartitionHarness([unusedCard]);
    partition.emit('c1', 'product_opened', T0, opened());
    expect(partition.timers.pending(0)).toBe(1);
    expect(partition.tick(T0 + 30 * DAY - 1)).toEqual([]);
    const fired = partition.tick(T0 + 30 * DAY + HOUR);
    expect(fired).toEqual([
      expect.objectContaining({
        triggerId: 'credit-card-unused-30d',
        customerId: 'c1',
        firedAtMs: T0 + 30 * DAY + HOUR,
        cause: { type: 'timer', timerKey: 'credit-card-unused-30d|c1|cc-1', startedByEventId: 'evt-1', startedByOffset: 0, dueAtMs: T0 + 30 * DAY },
        proposes: ['credit-card-usage-nudge'],
      }),
    ]);
    expect(partition.timers.pending(0)).toBe(0);
    expect(partition.tick(T0 + 31 * DAY)).toEqual([]);
  });

  it('is cancelled by a credit card transaction on day 29, not by a debit card one or one before the opening', () => {
    const partition = new PartitionHarness([unusedCard]);
    partition.emit('c1', 'product_opened', T0, opened());
    partition.emit('c2', 'product_opened', T0, opened());
    partition.emit('c1', 'card_transaction', T0 + 29 * DAY, purchase('credit_card'));
    partition.emit('c2', 'card_transaction', T0 + 29 * DAY, purchase('debit_card'));
    partition.emit('c2', 'card_transaction', T0 - DAY, purchase('credit_card'));
    expect(ids(partition.tick(T0 + 30 * DAY))).toEqual(['credit-card-unused-30d:c2']);
    expect(partition.engine.stats().triggers[0]).toMatchObject({ timersScheduled: 2, timersCancelled: 1, fired: 1 });
  });

  it('keeps one wait per card opened and fires each on its own day, in due order', () => {
    const partition = new PartitionHarness([{ ...unusedCard, cooldown: '0s' }]);
    partition.emit('c1', 'product_opened', T0 + DAY, opened('cc-2'));
    partition.emit('c1', 'product_opened', T0, opened('cc-1'));
    expect(partition.timers.pending(0)).toBe(2);
    const fired = partition.tick(T0 + 31 * DAY);
    expect(fired.map((f) => f.cause.type === 'timer' && f.cause.timerKey)).toEqual(['credit-card-unused-30d|c1|cc-1', 'credit-card-unused-30d|c1|cc-2']);
    expect(new Set(fired.map((f) => f.occasionId)).size).toBe(2);
  });

  it('drops a timer found long after its time (a replay of old history) instead of nudging about the past', () => {
    const partition = new PartitionHarness([unusedCard]);
    partition.emit('c1', 'product_opened', T0 - 400 * DAY, opened());
    expect(partition.tick(T0)).toEqual([]);
    expect(partition.timers.pending(0)).toBe(0);
    expect(partition.engine.stats().triggers[0]).toMatchObject({ timersExpired: 1, fired: 0 });
  });

  it('survives a restart and a partition move: timers and engine state travel as bytes to a new owner', () => {
    const first = new PartitionHarness([unusedCard], { partition: 3 });
    first.emit('c1', 'product_opened', T0, opened());
    first.emit('c2', 'product_opened', T0, opened());
    const timerBytes = first.timers.encode(3);
    const snapshot = first.engine.snapshot();

    const timers = new InMemoryTimerStore();
    timers.decode(3, timerBytes);
    const next = new TriggerEngine({ partition: 3, triggers: first.engine.triggerSet, registry, timers });
    next.restore(snapshot);
    expect(next.lastAppliedOffset).toBe(1);
    // The log after the snapshot is replayed by the new owner: c2 uses the card on day 10.
    const later = first.log('c2', 'card_transaction', T0 + 10 * DAY, purchase('credit_card'));
    expect(next.onEvent(later)).toEqual([]);
    expect(ids(next.onTick(T0 + 30 * DAY))).toEqual(['credit-card-unused-30d:c1']);
    expect(() => timers.decode(4, timerBytes)).toThrow('belongs to another partition');
  });
});
