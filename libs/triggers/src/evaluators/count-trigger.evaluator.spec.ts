import fc from 'fast-check';
import { MINUTE, PartitionHarness, T0, ids } from '../testing/trigger-test-support';

const pinLock = {
  id: 'card-lock-after-pin-failures',
  description: 'Three failed PINs within ten minutes',
  kind: 'count' as const,
  event: { type: 'atm_pin_failed' as const },
  atLeast: 3,
  within: '10m',
  cooldown: '0s',
  proposes: ['card-unlock'],
};
const pin = { cardId: 'card-1', atmId: 'atm-1' };

describe('count trigger', () => {
  it('fires on the third failure within ten minutes, once: the fourth is the same occasion', () => {
    const partition = new PartitionHarness([pinLock]);
    expect(partition.emit('c1', 'atm_pin_failed', T0, pin)).toEqual([]);
    expect(partition.emit('c1', 'atm_pin_failed', T0 + 4 * MINUTE, pin)).toEqual([]);
    const fired = partition.emit('c1', 'atm_pin_failed', T0 + 9 * MINUTE, pin);
    expect(fired).toEqual([
      expect.objectContaining({
        triggerId: 'card-lock-after-pin-failures',
        customerId: 'c1',
        firedAtMs: T0 + 9 * MINUTE,
        proposes: ['card-unlock'],
        evidence: [{ feature: 'atm_pin_failed count within 10m', value: 3 }],
        cause: { type: 'event', eventId: 'evt-3', eventType: 'atm_pin_failed', offset: 2 },
        stateOffset: 2,
      }),
    ]);
    expect(partition.emit('c1', 'atm_pin_failed', T0 + 9.5 * MINUTE, pin)).toEqual([]);
  });

  it('does not fire when the three failures span more than the window, nor for another customer', () => {
    const partition = new PartitionHarness([pinLock]);
    partition.emit('c1', 'atm_pin_failed', T0, pin);
    partition.emit('c2', 'atm_pin_failed', T0 + MINUTE, pin);
    partition.emit('c1', 'atm_pin_failed', T0 + 5 * MINUTE, pin);
    expect(partition.emit('c1', 'atm_pin_failed', T0 + 10 * MINUTE + 1, pin)).toEqual([]);
    // A new occasion once the window slides over three recent failures.
    expect(ids(partition.emit('c1', 'atm_pin_failed', T0 + 11 * MINUTE, pin))).toEqual(['card-lock-after-pin-failures:c1']);
  });

  it('counts a redelivered event once and places a late event by its occurrence time', () => {
    const partition = new PartitionHarness([pinLock]);
    partition.emit('c1', 'atm_pin_failed', T0, pin, 'pin-a');
    partition.emit('c1', 'atm_pin_failed', T0 + MINUTE, pin, 'pin-b');
    expect(partition.emit('c1', 'atm_pin_failed', T0 + MINUTE, pin, 'pin-b')).toEqual([]);
    expect(ids(partition.emit('c1', 'atm_pin_failed', T0 - 2 * MINUTE, pin, 'pin-late'))).toEqual(['card-lock-after-pin-failures:c1']);
  });

  it('filters by event fields and keeps a cooldown per dedupe key', () => {
    const partition = new PartitionHarness([
      {
        ...pinLock,
        id: 'online-spend-burst',
        event: { type: 'card_transaction', where: { channel: ['ecommerce', 'wallet'] } },
        atLeast: 2,
        within: '1h',
        cooldown: '1d',
        dedupeBy: ['cardId'],
      },
    ]);
    const buy = (cardId: string, channel: 'pos' | 'ecommerce') => ({ cardId, product: 'debit_card' as const, amount: 20, currency: 'EUR', merchantCategory: '5411', channel });
    partition.emit('c1', 'card_transaction', T0, buy('card-1', 'pos'));
    expect(partition.emit('c1', 'card_transaction', T0 + MINUTE, buy('card-1', 'pos'))).toEqual([]);
    partition.emit('c1', 'card_transaction', T0 + 2 * MINUTE, buy('card-1', 'ecommerce'));
    expect(ids(partition.emit('c1', 'card_transaction', T0 + 3 * MINUTE, buy('card-1', 'ecommerce')))).toEqual(['online-spend-burst:c1']);
    partition.emit('c1', 'card_transaction', T0 + 3 * 60 * MINUTE, buy('card-1', 'ecommerce'));
    expect(partition.emit('c1', 'card_transaction', T0 + 3 * 60 * MINUTE + 1, buy('card-1', 'ecommerce'))).toEqual([]);
    partition.emit('c1', 'card_transaction', T0 + 3 * 60 * MINUTE + 2, buy('card-2', 'ecommerce'));
    expect(ids(partition.emit('c1', 'card_transaction', T0 + 3 * 60 * MINUTE + 3, buy('card-2', 'ecommerce')))).toEqual(['online-spend-burst:c1']);
    expect(partition.engine.stats().triggers[0]).toMatchObject({ fired: 2, suppressedByCooldown: 1 });
  });

  it('property: with in-order events it fires exactly where a brute-force count first reaches the threshold', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8 * MINUTE }), { minLength: 1, maxLength: 30 }), (gaps) => {
        const times = gaps.reduce<number[]>((acc, gap) => [...acc, (acc.at(-1) ?? T0) + gap + 1], []);
        const partition = new PartitionHarness([pinLock]);
        const fired = times.map((at) => partition.emit('c1', 'atm_pin_failed', at, pin).length);
        const complete = (i: number) => i >= 2 && times[i] - times[i - 2] <= 10 * MINUTE;
        const expected = times.map((_, i) => (complete(i) && !complete(i - 1) ? 1 : 0));
        expect(fired).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('property: the state after a set of events does not depend on the order they arrive in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 60 * MINUTE }), { minLength: 1, maxLength: 12 }), fc.integer(), (offsets, seed) => {
        const events = offsets.map((offset, i) => ({ at: T0 + offset, id: `e${i}` }));
        const shuffled = [...events].sort((a, b) => ((a.at * 7919 + seed) % 101) - ((b.at * 7919 + seed) % 101) || a.at - b.at);
        const stateAfter = (order: typeof events) => {
          const partition = new PartitionHarness([pinLock]);
          for (const e of order) partition.emit('c1', 'atm_pin_failed', e.at, pin, e.id);
          return partition.engine.snapshot().triggers[0].state as { times: number[][] };
        };
        const newestThree = events.map((e) => e.at).sort((a, b) => a - b).slice(-3);
        expect(stateAfter(shuffled).times).toEqual([newestThree]);
        expect(stateAfter(events).times).toEqual([newestThree]);
      }),
      { numRuns: 100 },
    );
  });
});
