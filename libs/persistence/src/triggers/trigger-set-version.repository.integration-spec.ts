import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { TriggerSetVersionRepository } from './trigger-set-version.repository';
import { TriggerTraceRepository } from './trigger-trace.repository';
import type { TriggerSetVersionRow } from './trigger-tables.entity';

const version = (n: number, fields: Partial<TriggerSetVersionRow> = {}): TriggerSetVersionRow => ({
  version: n,
  status: 'draft',
  document: JSON.stringify({ version: `v${n}`, triggers: [] }),
  authorId: 'p-author',
  lastEditorId: 'p-author',
  submittedBy: null,
  approvedBy: null,
  deployedBy: null,
  rowVersion: 0,
  createdAtMs: 1_000 * n,
  updatedAtMs: 1_000 * n,
  deployedAtMs: null,
  ...fields,
});

describe.each(STORAGE_DIALECTS)('trigger tables on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let versions: TriggerSetVersionRepository;
  let traces: TriggerTraceRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    versions = new TriggerSetVersionRepository(dataSource);
    traces = new TriggerTraceRepository(dataSource);
  });

  it('has no drift between the trigger migration and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('stores each version number once, finds the deployed one, and lets only one of two racing steps win', async () => {
    await expect(versions.insert(version(1))).resolves.toBe(true);
    await expect(versions.insert(version(1, { authorId: 'p-other' }))).resolves.toBe(false);
    await expect(versions.insert(version(2, { status: 'deployed', deployedAtMs: 5_000 }))).resolves.toBe(true);
    expect((await versions.all()).map((row) => row.version)).toEqual([2, 1]);
    await expect(versions.newest()).resolves.toMatchObject({ version: 2 });
    await expect(versions.deployed()).resolves.toMatchObject({ version: 2, deployedAtMs: 5_000 });
    const read = (await versions.byVersion(1))!;
    const [first, second] = await Promise.all([versions.apply([{ read, patch: { status: 'review', submittedBy: 'p-a' } }]), versions.apply([{ read, patch: { status: 'retired' } }])]);
    expect([first, second].sort()).toEqual([false, true]);
    // All or nothing: a stale second row rolls the first back.
    const deployed = (await versions.deployed())!;
    await expect(versions.apply([{ read: deployed, patch: { status: 'retired' } }, { read, patch: { status: 'deployed' } }])).resolves.toBe(false);
    await expect(versions.deployed()).resolves.toMatchObject({ version: 2, rowVersion: deployed.rowVersion });
  });

  it('keeps trace stages per event in write order, bounded by age and by count', async () => {
    const stage = (eventId: string, stageName: string, recordedAtMs: number) => ({ eventId, partition: 3, stage: stageName, at: null, detail: JSON.stringify({ triggerId: 't' }), recordedAtMs });
    await traces.append([stage('e1', 'triggers_evaluated', 1), stage('e2', 'triggers_evaluated', 2), stage('e1', 'trigger_fired', 3), ...Array.from({ length: 150 }, (_, i) => stage(`bulk-${i}`, 'triggers_evaluated', 10 + i))]);
    expect((await traces.stagesOf(['e1'])).map((row) => row.stage)).toEqual(['triggers_evaluated', 'trigger_fired']);
    await expect(traces.stagesOf([])).resolves.toEqual([]);
    await expect(traces.deleteRecordedBefore(3)).resolves.toBe(2);
    expect((await traces.stagesOf(['e1', 'e2'])).map((row) => `${row.eventId}:${row.stage}`)).toEqual(['e1:trigger_fired']);
    await expect(traces.trim(100)).resolves.toBe(51);
    await expect(traces.stagesOf(['e1', 'bulk-49', 'bulk-50'])).resolves.toEqual([expect.objectContaining({ eventId: 'bulk-50' })]);
  });
});
