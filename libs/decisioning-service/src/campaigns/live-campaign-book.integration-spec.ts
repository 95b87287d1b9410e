import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import { loadActionCatalogFile, type DecisionOutcome } from '@kairos/decisioning';
import { createLogger } from '@kairos/observability';
import { CampaignLedgerRepository } from '@kairos/persistence';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { LiveCampaignBook } from './live-campaign-book';

const CAMPAIGN = 'retention-winter-2026';
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1, 12);
const catalog = loadActionCatalogFile('governance/actions.json');

const shown = (customerId: string, variantId: string, atMs = T0) =>
  ({ decisionId: `d-${customerId}`, customerId, decidedAtMs: atMs, actions: [{ actionId: 'retention-offer', content: { campaignId: CAMPAIGN, variantId } }], holdouts: [] }) as unknown as DecisionOutcome;
const clicked = (customerId: string, atMs: number): LoggedEvent => ({
  partition: 0,
  offset: atMs,
  event: { id: `c-${customerId}`, type: 'message_clicked', customerId, occurredAtMs: atMs, receivedAtMs: atMs, data: { messageId: 'm', actionId: 'retention-offer', variantId: 'x' } } as unknown as CustomerEvent,
});

describe.each(STORAGE_DIALECTS)('live campaign book on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let now = T0;
  const open = () =>
    new LiveCampaignBook({ campaigns: catalog.campaigns, store: new CampaignLedgerRepository(database.dataSource()), partitionOf: () => 0, logger: createLogger({ level: 'silent' }), clock: () => now, syncEveryMs: 60_000 });

  it('shares counts between processes through the table, survives a restart, and credits a goal once', async () => {
    const a = open();
    const b = open();
    await Promise.all([a.start(), b.start()]);
    a.recordExposures(shown('x', 'fee-waiver'));
    b.recordExposures(shown('y', 'fee-waiver'));
    expect(a.stateOf(CAMPAIGN)!.audience).toBe(1);
    await a.sync();
    await b.sync();
    await a.sync();
    expect(a.stateOf(CAMPAIGN)!.audience).toBe(2);
    expect(b.stateOf(CAMPAIGN)!.audience).toBe(2);

    // x's partition moved from a to b: b learns the open exposure from the table and credits the click.
    await b.close();
    const b2 = open();
    await b2.start();
    b2.onApplied(0, [clicked('x', T0 + DAY)]);
    a.onApplied(0, [clicked('x', T0 + DAY)]);
    await b2.sync();
    await a.sync();
    expect(a.stateOf(CAMPAIGN)!.arms[0]).toEqual({ variantId: 'fee-waiver', alpha: 2, beta: 1 });
    now = T0 + 20 * DAY;
    await a.sync();
    await b2.sync();
    await a.sync();
    expect(a.stateOf(CAMPAIGN)!.arms[0]).toEqual({ variantId: 'fee-waiver', alpha: 2, beta: 2 });
    await a.close();
    await b2.close();

    const restarted = open();
    await restarted.start();
    expect(restarted.stateOf(CAMPAIGN)).toMatchObject({ audience: 2, arms: [{ variantId: 'fee-waiver', alpha: 2, beta: 2 }, { alpha: 1, beta: 1 }, { alpha: 1, beta: 1 }] });
    await restarted.close();
  });
});
