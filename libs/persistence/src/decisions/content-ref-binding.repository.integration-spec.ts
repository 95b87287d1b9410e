import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { ContentRefBindingRepository, type NewContentRefBinding } from './content-ref-binding.repository';

const binding = (ref: string, draftId: string, boundAtMs = 1_000): NewContentRefBinding => ({ ref, draftId, boundBy: 'reviewer-1', boundAtMs });

describe.each(STORAGE_DIALECTS)('content ref bindings on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let bindings: ContentRefBindingRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    bindings = new ContentRefBindingRepository(dataSource);
  });

  it('has no drift between the decisions migrations and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('binds, rebinds with the version it read and lists by ref', async () => {
    expect(await bindings.put(binding('welcome', 'cd-1'), 0)).toEqual({ ...binding('welcome', 'cd-1'), version: 1 });
    expect(await bindings.put(binding('card-unlock-prompt', 'cd-2'))).toMatchObject({ version: 1 });
    expect(await bindings.put(binding('welcome', 'cd-3', 2_000), 1)).toMatchObject({ draftId: 'cd-3', version: 2 });
    expect(await bindings.get('welcome')).toEqual({ ref: 'welcome', draftId: 'cd-3', boundBy: 'reviewer-1', boundAtMs: 2_000, version: 2 });
    expect((await bindings.list()).map((row) => [row.ref, row.draftId, row.version])).toEqual([
      ['card-unlock-prompt', 'cd-2', 1],
      ['welcome', 'cd-3', 2],
    ]);
    expect(await bindings.get('unknown')).toBeNull();
  });

  it('refuses a write on a version someone else already replaced, and keeps the winner', async () => {
    await bindings.put(binding('race', 'cd-a'), 0);
    await expect(bindings.put(binding('race', 'cd-b'), 0)).rejects.toMatchObject({ code: 'CONFLICT', issues: [expect.objectContaining({ path: 'version', rule: 'concurrent_update' })] });
    await bindings.put(binding('race', 'cd-c'), 1);
    await expect(bindings.put(binding('race', 'cd-d'), 1)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await bindings.get('race')).toMatchObject({ draftId: 'cd-c', version: 2 });
  });

  it('serializes concurrent last-writer-wins puts into distinct versions', async () => {
    const written = await Promise.all(['cd-x', 'cd-y', 'cd-z'].map((draftId) => bindings.put(binding('busy', draftId))));
    expect(written.map((row) => row.version).sort()).toEqual([1, 2, 3]);
    const last = written.find((row) => row.version === 3)!;
    expect(await bindings.get('busy')).toMatchObject({ draftId: last.draftId, version: 3 });
  });

  it('deletes a binding', async () => {
    expect(await bindings.delete('busy')).toBe(true);
    expect(await bindings.delete('busy')).toBe(false);
    expect(await bindings.get('busy')).toBeNull();
  });
});
