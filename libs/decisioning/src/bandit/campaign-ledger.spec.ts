import type { CustomerEvent } from '@kairos/contracts';
import { DAY, T0, seedCatalog } from '../testing/decision-test-support';
import { CampaignLedger, campaignReport, campaignState, combineCounts } from './campaign-ledger';

const CAMPAIGN = 'retention-winter-2026';
const catalog = seedCatalog();
const campaign = catalog.campaigns.get(CAMPAIGN)!;
const event = (type: 'message_clicked' | 'message_opened', customerId: string, atMs: number) =>
  ({ id: `${type}-${customerId}-${atMs}`, type, customerId, occurredAt: '', occurredAtMs: atMs, receivedAtMs: atMs, source: 'test', data: { messageId: 'm', actionId: 'retention-offer', variantId: 'v' } }) as CustomerEvent;

describe('campaign ledger', () => {
  it('credits a goal inside the attribution window once, and settles the rest as failures when the window closes', () => {
    const ledger = new CampaignLedger(catalog.campaigns);
    ledger.expose(CAMPAIGN, 'a', 'fee-waiver', T0);
    ledger.expose(CAMPAIGN, 'a', 'bonus-interest', T0 + DAY);
    ledger.expose(CAMPAIGN, 'b', 'fee-waiver', T0);
    ledger.expose(CAMPAIGN, 'c', null, T0);
    ledger.expose('unknown-campaign', 'd', 'x', T0);
    expect(ledger.onEvent(event('message_opened', 'a', T0 + DAY))).toEqual([]);
    expect(ledger.onEvent(event('message_clicked', 'a', T0 - 1))).toEqual([]);
    expect(ledger.onEvent(event('message_clicked', 'a', T0 + 2 * DAY))).toEqual([CAMPAIGN]);
    expect(ledger.onEvent(event('message_clicked', 'b', T0 + 15 * DAY))).toEqual([]);
    expect(ledger.settle(T0 + 14 * DAY)).toBe(0);
    expect(ledger.settle(T0 + 14 * DAY + 1)).toBe(2);
    expect(ledger.snapshotCounts()).toEqual({
      [CAMPAIGN]: { 'fee-waiver': { exposed: 2, successes: 1, failures: 1 }, control: { exposed: 1, successes: 0, failures: 1 } },
    });
    expect(campaignState(campaign, ledger.snapshotCounts())).toEqual({
      arms: [
        { variantId: 'fee-waiver', alpha: 2, beta: 2 },
        { variantId: 'bonus-interest', alpha: 1, beta: 1 },
        { variantId: 'personal-advisor', alpha: 1, beta: 1 },
      ],
      audience: 3,
    });
  });

  it('keeps pending exposures across a snapshot and sums partitions for the posterior and the uplift report', () => {
    const first = new CampaignLedger(catalog.campaigns);
    first.expose(CAMPAIGN, 'a', 'fee-waiver', T0);
    const restored = new CampaignLedger(catalog.campaigns);
    restored.importState(JSON.parse(JSON.stringify(first.exportState())));
    expect(restored.onEvent(event('message_clicked', 'a', T0 + DAY))).toEqual([CAMPAIGN]);
    const other = new CampaignLedger(catalog.campaigns);
    other.expose(CAMPAIGN, 'z', null, T0);
    other.settle(T0 + 20 * DAY);
    const total = combineCounts([restored.snapshotCounts(), other.snapshotCounts()]);
    const report = campaignReport(campaign, total);
    expect(report.treated).toMatchObject({ exposed: 1, successes: 1, rate: 1 });
    expect(report.control).toMatchObject({ exposed: 1, failures: 1, rate: 0 });
    expect(report.uplift).toMatchObject({ absolute: 1, relative: null });
    expect(campaignReport(campaign, {}).uplift).toBeNull();
    expect(() => restored.importState({ counts: 1 })).toThrow();
    other.expose(CAMPAIGN, 'erased', 'fee-waiver', T0);
    other.forget('erased');
    expect(JSON.stringify(other.exportState())).not.toContain('erased');
  });
});
