import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { RuleSetRepository, type NewRuleSetVersion } from './rule-set.repository';

const draft = (ruleSetId: string, overrides: Partial<NewRuleSetVersion> = {}): NewRuleSetVersion => ({
  ruleSetId,
  name: 'Eligibility',
  status: 'draft',
  dmnXml: '<definitions/>',
  metadata: '{}',
  testCases: '[]',
  authorId: 'author-1',
  submittedBy: null,
  approvedBy: null,
  deployedBy: null,
  createdAtMs: 1,
  updatedAtMs: 1,
  deployedAtMs: null,
  retiredAtMs: null,
  ...overrides,
});
const created = { transition: 'created', actorId: 'author-1', atMs: 1, reason: null, auditRecordId: 'a-1' };

describe.each(STORAGE_DIALECTS)('rule sets on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let rules: RuleSetRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    rules = new RuleSetRepository(dataSource);
  });

  it('has no drift between the rules migration and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('numbers versions per rule set and journals each creation', async () => {
    await expect(rules.createVersion(draft('rs-a'), created)).resolves.toEqual(expect.objectContaining({ version: 1, rowVersion: 1 }));
    await expect(rules.createVersion(draft('rs-a', { name: 'Second' }), created)).resolves.toEqual(expect.objectContaining({ version: 2 }));
    await expect(rules.head('rs-a')).resolves.toEqual(expect.objectContaining({ latestVersion: 2, deployedVersion: null }));
    await expect(rules.versionsOf('rs-a').then((rows) => rows.map((row) => row.version))).resolves.toEqual([2, 1]);
    await expect(rules.history('rs-a')).resolves.toEqual([expect.objectContaining({ sequence: 1, version: 1 }), expect.objectContaining({ sequence: 2, version: 2 })]);
  });

  it('deploys atomically: version rows, journal, head and counter change together, or not at all', async () => {
    await rules.createVersion(draft('rs-b'), created);
    const before = await rules.deploymentCounter();
    await rules.apply({
      ruleSetId: 'rs-b',
      updates: [{ version: 1, expectedRowVersion: 1, patch: { status: 'deployed', deployedBy: 'approver', deployedAtMs: 5, updatedAtMs: 5 } }],
      history: [{ version: 1, transition: 'deployed', actorId: 'approver', atMs: 5, reason: null, auditRecordId: 'a-2' }],
      deployedVersion: 1,
    });
    expect(await rules.deploymentCounter()).toBe(before + 1);
    const deployed = await rules.deployed();
    expect(deployed.counter).toBe(before + 1);
    expect(deployed.versions.map((row) => [row.ruleSetId, row.version, row.status])).toContainEqual(['rs-b', 1, 'deployed']);

    // A stale row version refuses the whole change: no journal entry, no counter bump.
    await expect(
      rules.apply({
        ruleSetId: 'rs-b',
        updates: [{ version: 1, expectedRowVersion: 1, patch: { status: 'retired' } }],
        history: [{ version: 1, transition: 'retired', actorId: 'approver', atMs: 6, reason: null, auditRecordId: null }],
        deployedVersion: null,
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await rules.deploymentCounter()).toBe(before + 1);
    await expect(rules.history('rs-b')).resolves.toHaveLength(2);
    await expect(rules.version('rs-b', 1)).resolves.toEqual(expect.objectContaining({ status: 'deployed', rowVersion: 2 }));
  });

  it('lists rule sets with their latest version, paged by id', async () => {
    for (const id of ['rs-l1', 'rs-l2', 'rs-l3']) await rules.createVersion(draft(id), created);
    const first = await rules.list(2, 'rs-l');
    expect(first.map((entry) => entry.head.ruleSetId)).toEqual(['rs-l1', 'rs-l2']);
    const next = await rules.list(2, 'rs-l2');
    expect(next.map((entry) => [entry.head.ruleSetId, entry.latest.version])).toEqual([['rs-l3', 1]]);
  });

  it('refuses two concurrent creations of the same next version', async () => {
    await rules.createVersion(draft('rs-c'), created);
    const results = await Promise.allSettled([rules.createVersion(draft('rs-c'), created), rules.createVersion(draft('rs-c'), created)]);
    const versions = (await rules.versionsOf('rs-c')).map((row) => row.version);
    // SQLite serialises the two; PostgreSQL may refuse one with CONFLICT. Either way no version is stored twice.
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions.length).toBe(1 + results.filter((r) => r.status === 'fulfilled').length);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'CONFLICT' });
  });
});
