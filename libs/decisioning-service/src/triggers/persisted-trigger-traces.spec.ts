import { createLogger } from '@kairos/observability';
import type { StoredTriggerTrace } from '@kairos/persistence';
import { PersistedTriggerTraces } from './persisted-trigger-traces';

/** A store in memory with the repository's answers; `failing` makes the next append fail. */
function memoryStore() {
  const rows: StoredTriggerTrace[] = [];
  const store = {
    failing: false,
    appends: 0,
    append: async (stages: readonly StoredTriggerTrace[]) => {
      store.appends++;
      if (store.failing) throw new Error('database is down');
      rows.push(...stages);
    },
    stagesOf: async (ids: readonly string[]) => rows.filter((row) => ids.includes(row.eventId)),
    trim: async () => 0,
    deleteRecordedBefore: async () => 0,
  };
  return { rows, store };
}

const fired = { stage: 'trigger_fired' as const, at: '2026-01-01T00:00:00.000Z', detail: { triggerId: 't-a' } };

describe('PersistedTriggerTraces', () => {
  it('buffers stages without writing, then writes them in one batch and reads them back', async () => {
    const { rows, store } = memoryStore();
    const traces = new PersistedTriggerTraces({ store, logger: createLogger({ level: 'silent' }), clock: () => 5 });
    traces.record(3, 'e1', fired);
    traces.record(3, 'e2', fired);
    expect(store.appends).toBe(0);
    await expect(traces.stagesFor('e1')).resolves.toEqual([fired]);
    await traces.flush();
    expect(store.appends).toBe(1);
    expect(rows).toEqual([expect.objectContaining({ eventId: 'e1', partition: 3, stage: 'trigger_fired', recordedAtMs: 5 }), expect.objectContaining({ eventId: 'e2' })]);
    await expect(traces.stagesFor('e1')).resolves.toEqual([fired]);
  });

  it('drops and counts what does not fit the buffer or fails to be written, and never throws on the event path', async () => {
    const { store } = memoryStore();
    const traces = new PersistedTriggerTraces({ store, logger: createLogger({ level: 'silent' }), maxBuffered: 2 });
    for (let i = 0; i < 3; i++) traces.record(0, `e${i}`, fired);
    expect(traces.dropped).toBe(1);
    store.failing = true;
    await expect(traces.flush()).resolves.toBeUndefined();
    expect(traces.dropped).toBe(3);
  });
});
