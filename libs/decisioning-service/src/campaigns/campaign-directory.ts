import { KairosError } from '@kairos/contracts';
import type { ActionCatalog } from '@kairos/decisioning';
import { campaignSummary, campaignView, type CampaignSummary, type CampaignView } from './campaign-view';
import type { LiveCampaignBook } from './live-campaign-book';

/** What /v1/campaigns reads: the catalog's campaigns with the live counts of the book. */
export class CampaignDirectory {
  private readonly channels = new Map<string, string[]>();

  constructor(
    private readonly catalog: ActionCatalog,
    private readonly book: LiveCampaignBook,
    private readonly clock: () => number = Date.now,
  ) {
    for (const action of catalog.actions) {
      if (!action.campaign) continue;
      const list = this.channels.get(action.campaign.id) ?? [];
      for (const channel of action.channels) if (!list.includes(channel)) list.push(channel);
      this.channels.set(action.campaign.id, list);
    }
  }

  list(): CampaignSummary[] {
    const counts = this.book.counts();
    const now = this.clock();
    return [...this.catalog.campaigns.values()].map((campaign) => campaignSummary(campaign, counts, this.channelsOf, now));
  }

  get(campaignId: string): CampaignView {
    const campaign = this.catalog.campaigns.get(campaignId);
    if (!campaign) throw new KairosError('NOT_FOUND', 'no campaign with this id', [{ path: 'campaignId', rule: 'exists', message: 'no campaign with this id' }]);
    const open = this.book.attribution.openByArm(campaignId);
    return campaignView(campaign, this.book.counts(), (arm) => open[arm] ?? 0, this.channelsOf, this.clock());
  }

  private readonly channelsOf = (campaignId: string): readonly string[] => this.channels.get(campaignId) ?? [];
}
