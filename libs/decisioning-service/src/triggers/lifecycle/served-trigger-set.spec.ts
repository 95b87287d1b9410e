import { KairosError } from '@kairos/contracts';
import { createLogger } from '@kairos/observability';
import type { TriggerSetVersionRecord } from '@kairos/persistence';
import type { TriggerSet } from '@kairos/triggers';
import { ServedTriggerSet } from './served-trigger-set';

const setOf = (version: string): TriggerSet => ({ version, triggers: [] });
const row = (version: number, document: unknown) => ({ version, document: JSON.stringify(document) }) as TriggerSetVersionRecord;

function harness(deployed: TriggerSetVersionRecord | null) {
  const state = { deployed, reads: 0 };
  const installed: string[] = [];
  const options = {
    repository: {
      deployed: async () => {
        state.reads++;
        return state.deployed;
      },
    },
    // A document `{ v }` compiles to set `v`; `{ broken: true }` does not compile here.
    compile: (document: unknown) => {
      const { v, broken } = document as { v?: string; broken?: boolean };
      if (broken) throw new KairosError('VALIDATION_FAILED', 'unknown feature');
      return setOf(v ?? '?');
    },
    seed: setOf('seed'),
    logger: createLogger({ level: 'silent' }),
  };
  return { state, installed, options, target: { deploy: (set: TriggerSet) => installed.push(set.version) } };
}

describe('ServedTriggerSet', () => {
  it('boots on the deployed version, else the seed document', async () => {
    await expect(ServedTriggerSet.load(harness(row(4, { v: 'four' })).options)).resolves.toMatchObject({ current: { version: 4, set: { version: 'four' } } });
    await expect(ServedTriggerSet.load(harness(null).options)).resolves.toMatchObject({ current: { version: null, set: { version: 'seed' } } });
    await expect(ServedTriggerSet.load(harness(row(5, { broken: true })).options)).resolves.toMatchObject({ current: { version: null } });
  });

  it('hot-deploys only when the deployed version changes, back to the seed on none, and skips a version that does not compile', async () => {
    const h = harness(row(1, { v: 'one' }));
    const served = await ServedTriggerSet.load(h.options);
    served.attach(h.target);
    await expect(served.refresh()).resolves.toBe(false);
    h.state.deployed = row(2, { v: 'two' });
    await expect(served.refresh()).resolves.toBe(true);
    h.state.deployed = row(3, { broken: true });
    await expect(served.refresh()).resolves.toBe(false);
    await expect(served.refresh()).resolves.toBe(false);
    expect(served.current).toMatchObject({ version: 2 });
    h.state.deployed = null;
    await expect(served.refresh()).resolves.toBe(true);
    expect(h.installed).toEqual(['two', 'seed']);
  });

  it('runs refreshes one after another, so a refresh asked for during a read reads again', async () => {
    const h = harness(null);
    const served = await ServedTriggerSet.load(h.options);
    const reads = h.state.reads;
    await Promise.all([served.refresh(), served.refresh(), served.refresh()]);
    expect(h.state.reads - reads).toBe(3);
    await served.start();
    await served.stop();
  });
});
