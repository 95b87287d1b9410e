import { ContentRefBindingRepository } from '@kairos/persistence';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { ContentRefBindings, ServableContentSource } from '../decisions/approved-content.source';

/** Two processes' bindings over one database: what one binds, the other serves after its next poll. */
describe.each(STORAGE_DIALECTS)('persistent content ref bindings on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let here: ContentRefBindings;
  let there: ContentRefBindings;
  const open = (pollIntervalMs?: number) => new ContentRefBindings(new ContentRefBindingRepository(database.dataSource()), pollIntervalMs ? { pollIntervalMs } : {});
  beforeAll(() => {
    here = open();
    there = open();
  });

  it('a durable put serves here at once and in the other process after its next read', async () => {
    await expect(here.put('card-unlock-prompt', 'cd-1', 'reviewer-1', 0)).resolves.toMatchObject({ draftId: 'cd-1', version: 1 });
    expect(here.draftOf('card-unlock-prompt')).toBe('cd-1');
    expect(there.draftOf('card-unlock-prompt')).toBe('card-unlock-prompt');
    await there.refresh();
    expect(there.binding('card-unlock-prompt')).toMatchObject({ draftId: 'cd-1', boundBy: 'reviewer-1', version: 1 });
    await expect(there.put('card-unlock-prompt', 'cd-2', 'reviewer-2', 0)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('an in-process bind is written behind, and a read begun before it does not undo it', async () => {
    const read = there.refresh();
    there.bind('welcome', 'cd-w');
    await read;
    expect(there.draftOf('welcome')).toBe('cd-w');
    await there.flush();
    expect(there.binding('welcome')).toMatchObject({ version: 1, boundBy: 'in-process' });
    await here.refresh();
    expect(here.draftOf('welcome')).toBe('cd-w');
    here.unbind('welcome');
    await here.flush();
    await there.refresh();
    expect(there.draftOf('welcome')).toBe('welcome');
  });

  it('a new process loads the stored bindings before its first decision, and polls for changes until stopped', async () => {
    const revisions = new Map([['cd-1', 'cd-1@1#sha256:x'], ['cd-3', 'cd-3@1#sha256:y']]);
    const fresh = open(20);
    const source = new ServableContentSource({ servableRevision: async (draftId) => (revisions.has(draftId) ? { contentVersion: revisions.get(draftId)!, approvedAtMs: 0, validUntilMs: Number.MAX_SAFE_INTEGER } : null) }, fresh);
    expect(fresh.draftOf('card-unlock-prompt')).toBe('card-unlock-prompt');
    await expect(source.approvedVersions(['card-unlock-prompt', 'unbound'], 0)).resolves.toEqual(new Map([['card-unlock-prompt', 'cd-1@1#sha256:x'], ['unbound', null]]));
    await fresh.start();
    await here.put('card-unlock-prompt', 'cd-3', 'reviewer-1');
    const deadline = Date.now() + 10_000;
    while (fresh.draftOf('card-unlock-prompt') !== 'cd-3' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await fresh.stop();
    await expect(source.approvedVersions(['card-unlock-prompt'], 0)).resolves.toEqual(new Map([['card-unlock-prompt', 'cd-3@1#sha256:y']]));
  });
});
