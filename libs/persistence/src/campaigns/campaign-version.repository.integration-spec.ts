import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, campaignVersionRow, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { CampaignVersionRepository } from './campaign-version.repository';

describe.each(STORAGE_DIALECTS)('campaign versions on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let versions: CampaignVersionRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    versions = new CampaignVersionRepository(dataSource);
  });

  it('has no drift between the campaign-version migration and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('stores a version once, lists newest first, and lets only one of two racing steps win', async () => {
    await expect(versions.insert(campaignVersionRow('spring', 1))).resolves.toBe(true);
    await expect(versions.insert(campaignVersionRow('spring', 1, { authorId: 'p-other' }))).resolves.toBe(false);
    await expect(versions.insert(campaignVersionRow('spring', 2, { status: 'review' }))).resolves.toBe(true);
    await expect(versions.insert(campaignVersionRow('autumn', 1))).resolves.toBe(true);
    expect((await versions.versionsOf('spring')).map((row) => row.version)).toEqual([2, 1]);
    expect((await versions.newest()).map((row) => `${row.campaignId}@${row.version}`)).toEqual(['autumn@1', 'spring@2']);
    const read = (await versions.latest('spring'))!;
    const [first, second] = await Promise.all([versions.update([{ version: read, patch: { status: 'active', approvedBy: 'p-a' } }]), versions.update([{ version: read, patch: { status: 'draft' } }])]);
    expect([first, second].sort()).toEqual([false, true]);
    expect((await versions.latest('spring'))!.rowVersion).toBe(1);
    // All or nothing: a stale second row rolls the first back.
    const fresh = (await versions.latest('spring'))!;
    await expect(versions.update([{ version: fresh, patch: { status: 'retired' } }, { version: read, patch: { status: 'retired' } }])).resolves.toBe(false);
    expect((await versions.latest('spring'))!.status).toBe(fresh.status);
  });
});
