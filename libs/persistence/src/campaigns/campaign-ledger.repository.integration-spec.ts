import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { pendingSchemaChanges } from '../data-source';
import { CampaignLedgerRepository, type StoredExposure } from './campaign-ledger.repository';

const C = 'retention-winter-2026';
const exposure = (customerId: string, arm: string, exposedAtMs = 1_000, partition = 3): StoredExposure => ({ campaignId: C, customerId, arm, partition, exposedAtMs, decisionId: `d-${customerId}` });
const empty = { exposures: [], resolutions: [], forgotten: [], atMs: 5_000 };

describe.each(STORAGE_DIALECTS)('campaign ledger on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let ledger: CampaignLedgerRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    ledger = new CampaignLedgerRepository(dataSource);
  });

  it('has no drift between the campaigns migration and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('counts an exposure once, however often it is written, and keeps it open until resolved', async () => {
    await expect(ledger.apply({ ...empty, exposures: [exposure('a', 'fee-waiver'), exposure('b', 'control'), exposure('a', 'fee-waiver', 1_500)] })).resolves.toEqual({ exposed: 2, resolved: 0 });
    await expect(ledger.apply({ ...empty, exposures: [exposure('a', 'fee-waiver', 2_000)] })).resolves.toEqual({ exposed: 0, resolved: 0 });
    await expect(ledger.loadCounts()).resolves.toEqual([
      { campaignId: C, arm: 'control', exposed: 1, successes: 0, failures: 0 },
      { campaignId: C, arm: 'fee-waiver', exposed: 1, successes: 0, failures: 0 },
    ]);
    await expect(ledger.openExposures()).resolves.toEqual([exposure('a', 'fee-waiver'), exposure('b', 'control')]);
    await expect(ledger.openExposures([4])).resolves.toEqual([]);
  });

  it('resolves an exposure once: a second process crediting the same goal adds nothing', async () => {
    const success = { campaignId: C, customerId: 'a', arm: 'fee-waiver', exposedAtMs: 1_000, outcome: 'success' as const };
    const other = new CampaignLedgerRepository(dataSource);
    const [first, second] = await Promise.all([ledger.apply({ ...empty, resolutions: [success] }), other.apply({ ...empty, resolutions: [success] })]);
    expect(first.resolved + second.resolved).toBe(1);
    await expect(ledger.apply({ ...empty, resolutions: [{ campaignId: C, customerId: 'b', arm: 'control', exposedAtMs: 1_000, outcome: 'failure' }] })).resolves.toEqual({ exposed: 0, resolved: 1 });
    await expect(ledger.loadCounts()).resolves.toEqual([
      { campaignId: C, arm: 'control', exposed: 1, successes: 0, failures: 1 },
      { campaignId: C, arm: 'fee-waiver', exposed: 1, successes: 1, failures: 0 },
    ]);
    await expect(ledger.openExposures()).resolves.toEqual([]);
  });

  it('adds concurrent increments from several processes without losing any', async () => {
    const writers = Array.from({ length: 4 }, () => new CampaignLedgerRepository(dataSource));
    await Promise.all(writers.map((writer, w) => writer.apply({ ...empty, exposures: Array.from({ length: 25 }, (_, i) => exposure(`w${w}-${i}`, 'bonus-interest', 10_000)) })));
    const counts = await ledger.loadCounts();
    expect(counts.find((c) => c.arm === 'bonus-interest')).toEqual({ campaignId: C, arm: 'bonus-interest', exposed: 100, successes: 0, failures: 0 });
  });

  it('forgets an erased customer’s open exposures and keeps the aggregate counts', async () => {
    await ledger.apply({ ...empty, exposures: [exposure('erased-1', 'fee-waiver', 20_000)] });
    await ledger.apply({ ...empty, forgotten: ['erased-1'] });
    expect((await ledger.openExposures()).some((e) => e.customerId === 'erased-1')).toBe(false);
    expect((await ledger.loadCounts()).find((c) => c.arm === 'fee-waiver')).toMatchObject({ exposed: 2 });
  });
});
