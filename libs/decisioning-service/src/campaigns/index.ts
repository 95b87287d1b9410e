// Campaigns: the live campaign book (exposures, goal attribution, shared Beta posteriors) and /v1/campaigns.
export { CampaignAttribution } from './campaign-attribution';
export { CampaignDirectory } from './campaign-directory';
export type { ArmView, CampaignChannels, CampaignStatus, CampaignSummary, CampaignView } from './campaign-view';
export { campaignStatus, campaignSummary, campaignView } from './campaign-view';
export { CampaignsController } from './campaigns.controller';
export type { CampaignsHttpOptions, CampaignsModuleAsyncOptions } from './campaigns.module';
export { CampaignsModule } from './campaigns.module';
export type { CampaignLedgerStore, LiveCampaignBookOptions } from './live-campaign-book';
export { LiveCampaignBook } from './live-campaign-book';
export { probabilityOfBeingBest } from './probability-best';
