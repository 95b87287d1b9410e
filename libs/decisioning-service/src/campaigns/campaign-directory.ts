import { KairosError } from '@kairos/contracts';
import { checkCampaignDefinition, type ActionCatalog } from '@kairos/decisioning';
import type { CampaignVersionRecord } from '@kairos/persistence';
import { campaignSummary, campaignView, type CampaignSummary, type CampaignView } from './campaign-view';
import type { LiveCampaignBook } from './live-campaign-book';

/** An authored campaign in the list: its newest version and where that version is in the lifecycle. */
export interface AuthoredCampaignSummary extends CampaignSummary {
  readonly source: 'authored';
  readonly version: number;
  readonly lifecycle: CampaignVersionRecord['status'];
}

/** What /v1/campaigns reads: the catalog's campaigns with the live counts of the book. */
export class CampaignDirectory {
  private readonly channels = new Map<string, string[]>();

  constructor(
    private readonly catalog: ActionCatalog,
    private readonly book: LiveCampaignBook,
    private readonly clock: () => number = Date.now,
    /** The catalog served now (base + active authored campaigns): an active authored campaign shows its posteriors too. */
    private readonly served?: { current(): ActionCatalog },
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

  /**
   * Authored campaigns (their newest version) beside the catalog's: read from the version table on each call, so
   * every process lists a campaign the moment it is created or approved anywhere, without a restart.
   */
  authored(latest: readonly CampaignVersionRecord[]): AuthoredCampaignSummary[] {
    const counts = this.book.counts();
    const now = this.clock();
    return latest.map((row) => {
      // Stored versions were validated when written; names are not checked again against today's registry.
      const { definition, compiled } = checkCampaignDefinition(JSON.parse(row.definition) as unknown, { catalog: this.catalog, isFeature: () => true });
      return { ...campaignSummary(compiled, counts, () => [definition.channel], now), source: 'authored', version: row.version, lifecycle: row.status };
    });
  }

  get(campaignId: string): CampaignView {
    const catalog = this.served?.current() ?? this.catalog;
    const campaign = catalog.campaigns.get(campaignId);
    if (!campaign) throw new KairosError('NOT_FOUND', 'no campaign with this id', [{ path: 'campaignId', rule: 'exists', message: 'no campaign with this id' }]);
    const open = this.book.attribution.openByArm(campaignId);
    // An authored campaign is served by the one action of its id, on its channel.
    const channelsOf = (id: string) => this.channels.get(id) ?? [...(catalog.actionsById.get(id)?.channels ?? [])];
    return campaignView(campaign, this.book.counts(), (arm) => open[arm] ?? 0, channelsOf, this.clock());
  }

  private readonly channelsOf = (campaignId: string): readonly string[] => this.channels.get(campaignId) ?? [];
}
