import fc from 'fast-check';
import { DurableTimer } from './timer-store';
import { InMemoryTimerStore } from './in-memory-timer-store';

function timer(key: string, dueAtMs: number, customerId = 'c1'): DurableTimer {
  return { key, partition: 0, triggerId: 't', customerId, dueAtMs, startedAtMs: 0, startedBy: { eventId: `e-${key}`, offset: 1 }, dedupeValues: '' };
}

describe('in-memory timer store', () => {
  it('hands out due timers by due time then key, keeps them until completed, and replaces by key', () => {
    const store = new InMemoryTimerStore();
    store.schedule(timer('b', 20));
    store.schedule(timer('a', 20));
    store.schedule(timer('c', 10));
    store.schedule(timer('d', 30));
    store.schedule(timer('d', 5));
    expect(store.due(0, 20).map((t) => t.key)).toEqual(['d', 'c', 'a', 'b']);
    expect(store.due(0, 20).map((t) => t.key)).toEqual(['d', 'c', 'a', 'b']);
    store.complete(0, 'd');
    expect(store.cancel(0, 'c')).toBe(true);
    expect(store.cancel(0, 'c')).toBe(false);
    expect(store.due(0, 100).map((t) => t.key)).toEqual(['a', 'b']);
    expect(store.pendingFor(0, 't', 'c1').map((t) => t.key)).toEqual(['b', 'a']);
    expect(store.due(1, 100)).toEqual([]);
  });

  it('property: due(t) is exactly the pending timers due by t, sorted, whatever was scheduled and cancelled', () => {
    const operation = fc.oneof(
      fc.record({ op: fc.constant('schedule' as const), key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), due: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ op: fc.constant('cancel' as const), key: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f') }),
      fc.record({ op: fc.constant('due' as const), at: fc.integer({ min: 0, max: 60 }) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 80 }), (operations) => {
        const store = new InMemoryTimerStore();
        const model = new Map<string, number>();
        for (const operation of operations) {
          if (operation.op === 'schedule') {
            store.schedule(timer(operation.key, operation.due));
            model.set(operation.key, operation.due);
          } else if (operation.op === 'cancel') {
            expect(store.cancel(0, operation.key)).toBe(model.delete(operation.key));
          } else {
            const expected = [...model].filter(([, due]) => due <= operation.at).sort(([ka, a], [kb, b]) => a - b || (ka < kb ? -1 : 1)).map(([key]) => key);
            expect(store.due(0, operation.at).map((t) => t.key)).toEqual(expected);
          }
        }
        const copy = new InMemoryTimerStore();
        copy.decode(0, store.encode(0));
        expect(copy.due(0, 100)).toEqual(store.due(0, 100));
        expect(copy.pending(0)).toBe(model.size);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses bytes that are not a timer document', () => {
    expect(() => new InMemoryTimerStore().decode(0, Buffer.from('{"format":2}'))).toThrow('unreadable');
  });
});
