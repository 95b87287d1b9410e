import fc from 'fast-check';
import { ChannelCircuitBreaker } from './channel-circuit-breaker';
import { CircuitBreakerBoard } from './circuit-breaker-board';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 23, 9);
const action = (id: string, priority: number, submittedAtMs = T0) => ({ id, priority, submittedAtMs, payload: { id } });

describe('channel circuit breaker', () => {
  it('lets the highest priorities through up to capacity per window and defers the rest until there is room', () => {
    const breaker = new ChannelCircuitBreaker({ channel: 'callback', capacity: 3, window: '1m', overflow: 'defer', maxDefer: '5m' });
    for (const [id, priority] of [['low', 1], ['top', 90], ['mid', 40], ['high', 70], ['lowest', 0.5]] as const) breaker.submit(action(id, priority));
    const first = breaker.release(T0);
    expect(first.released.map((a) => a.id)).toEqual(['top', 'high', 'mid']);
    expect(first.deferred).toBe(2);
    expect(breaker.available(T0 + 1000)).toBe(false);
    expect(breaker.state(T0 + 1000)).toMatchObject({ state: 'open', usedInWindow: 3, queued: 2, released: 3, deferrals: 2 });
    expect(breaker.state(T0).heldBack.map((h) => `${h.id}:${h.reason}`)).toEqual(['low:deferred', 'lowest:deferred']);
    breaker.submit(action('urgent', 99, T0 + 30_000));
    expect(breaker.release(T0 + 30_000).released).toEqual([]);
    expect(breaker.release(T0 + MINUTE).released.map((a) => a.id)).toEqual(['urgent', 'low', 'lowest']);
    expect(breaker.state(T0 + MINUTE)).toMatchObject({ state: 'open', queued: 0, released: 6, deferrals: 3 });
    expect(breaker.state(T0 + 2 * MINUTE)).toMatchObject({ state: 'closed', usedInWindow: 0 });
  });

  it('drops by policy: at once when over capacity, after maxDefer when deferring, and the lowest when the queue is full', () => {
    const dropping = new ChannelCircuitBreaker({ channel: 'sms', capacity: 1, window: '1m', overflow: 'drop' });
    dropping.submit(action('a', 2));
    dropping.submit(action('b', 1));
    expect(dropping.release(T0)).toMatchObject({ released: [expect.objectContaining({ id: 'a' })], dropped: [expect.objectContaining({ id: 'b', reason: 'capacity_exceeded' })], deferred: 0 });

    const deferring = new ChannelCircuitBreaker({ channel: 'sms', capacity: 1, window: '1h', overflow: 'defer', maxDefer: '10m', maxQueue: 2 });
    deferring.submit(action('a', 5));
    deferring.submit(action('b', 4));
    deferring.submit(action('c', 1));
    deferring.submit(action('d', 3));
    expect(deferring.state(T0).dropped).toEqual({ capacity_exceeded: 0, deferred_too_long: 0, queue_full: 2 });
    deferring.release(T0);
    expect(deferring.release(T0 + 10 * MINUTE).dropped.map((a) => `${a.id}:${a.reason}`)).toEqual(['b:deferred_too_long']);
    expect(deferring.state(T0 + 10 * MINUTE).heldBack.map((h) => `${h.id}:${h.reason}`)).toEqual(['c:queue_full', 'd:queue_full', 'b:deferred', 'b:deferred_too_long']);
  });

  it('property: no window ever holds more releases than the capacity, and each release takes the best waiting first', () => {
    const step = fc.record({ advance: fc.integer({ min: 0, max: 40_000 }), submits: fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 6 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(step, { maxLength: 40 }), (capacity, steps) => {
        const breaker = new ChannelCircuitBreaker<null>({ channel: 'sms', capacity, window: '1m', overflow: 'defer', maxDefer: '1h' });
        const released: number[] = [];
        let now = T0;
        let n = 0;
        for (const s of steps) {
          now += s.advance;
          for (const priority of s.submits) breaker.submit({ id: `a${n++}`, priority, submittedAtMs: now, payload: null });
          const batch = breaker.release(now);
          for (let i = 0; i < batch.released.length; i++) released.push(now);
          const waiting = breaker.state(now).queued;
          if (waiting > 0 && batch.released.length > 0) expect(breaker.available(now)).toBe(false);
          for (let i = 1; i < batch.released.length; i++) expect(batch.released[i - 1].priority).toBeGreaterThanOrEqual(batch.released[i].priority);
        }
        for (let i = capacity; i < released.length; i++) expect(released[i] - released[i - capacity]).toBeGreaterThanOrEqual(MINUTE);
      }),
      { numRuns: 200 },
    );
  });

  it('is the capacity port of decisions through a board; unlimited channels always pass', () => {
    const board = new CircuitBreakerBoard([{ channel: 'callback', capacity: 1, window: '1h', overflow: 'defer' }]);
    expect(board.capacity('callback', T0)).toBe(true);
    expect(board.submit('callback', action('a', 1))).toBe(true);
    expect(board.submit('email', action('b', 1))).toBe(false);
    expect(board.capacity('callback', T0)).toBe(false);
    expect(board.release(T0).get('callback')!.released.map((a) => a.id)).toEqual(['a']);
    expect(board.capacity('callback', T0 + 1)).toBe(false);
    expect(board.capacity('email', T0)).toBe(true);
    expect(board.states(T0)).toEqual([expect.objectContaining({ channel: 'callback', usedInWindow: 1 })]);
  });
});
