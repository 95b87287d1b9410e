import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { ClusterDirectoryRepository } from './cluster-directory.repository';

const member = (processId: string) => ({ processId, baseUrl: `http://127.0.0.1/${processId}`, startedAtMs: 1 });

describe.each(STORAGE_DIALECTS)('cluster directory on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let directory: ClusterDirectoryRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    directory = new ClusterDirectoryRepository(dataSource);
  });

  it('has no drift between the cluster migration and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('hands out increasing epochs per partition and keeps the highest reported offset as the handover floor', async () => {
    const first = await directory.claim(member('a'), 10, [{ partition: 0, appliedOffset: 5 }, { partition: 1, appliedOffset: -1 }]);
    expect([...first]).toEqual([[0, 1], [1, 1]]);
    await directory.heartbeat(member('a'), 11, [{ partition: 0, appliedOffset: 40 }, { partition: 1, appliedOffset: 3 }]);
    // A lower report never lowers the floor.
    await directory.heartbeat(member('a'), 12, [{ partition: 0, appliedOffset: 7 }]);
    const second = await directory.claim(member('b'), 13, [{ partition: 0, appliedOffset: 2 }]);
    expect(second.get(0)).toBe(2);
    const view = await directory.view();
    expect(view.handoverOffsets.get(0)).toBe(40);
    expect(view.handoverOffsets.get(1)).toBe(3);
    expect(view.claims.filter((c) => c.partition === 0).map((c) => [c.processId, c.epoch]).sort()).toEqual([['a', 1], ['b', 2]]);
  });

  it('releases atomically: the final offset becomes the floor and the claim is gone', async () => {
    await directory.release('a', 20, [{ partition: 0, appliedOffset: 57 }]);
    const view = await directory.view();
    expect(view.handoverOffsets.get(0)).toBe(57);
    expect(view.claims.filter((c) => c.partition === 0).map((c) => c.processId)).toEqual(['b']);
  });

  it('expires silent members with their claims; a heartbeat brings a claim back under its old epoch', async () => {
    await directory.heartbeat(member('b'), 1_000, [{ partition: 0, appliedOffset: 57 }]);
    await expect(directory.expire(500)).resolves.toBe(1); // 'a' last beat at 12
    let view = await directory.view();
    expect(view.members.map((m) => m.processId)).toEqual(['b']);
    expect(view.claims.some((c) => c.processId === 'a')).toBe(false);
    await directory.heartbeat(member('a'), 1_001, [{ partition: 1, appliedOffset: 3 }], new Map([[1, 1]]));
    view = await directory.view();
    expect(view.claims.find((c) => c.processId === 'a' && c.partition === 1)?.epoch).toBe(1);
    await directory.leave('a');
    view = await directory.view();
    expect(view.members.map((m) => m.processId)).toEqual(['b']);
    expect(view.claims.every((c) => c.processId === 'b')).toBe(true);
  });
});
