// Campaigns: the live campaign book (exposures, goal attribution, shared Beta posteriors), /v1/campaigns and campaign
// authoring (draft → review → active with four eyes → retired), and the send job of outbound campaigns.
export { CampaignAttribution } from './campaign-attribution';
export { CampaignDirectory, type AuthoredCampaignSummary } from './campaign-directory';
export type { ArmView, CampaignChannels, CampaignStatus, CampaignSummary, CampaignView } from './campaign-view';
export { campaignStatus, campaignSummary, campaignView } from './campaign-view';
export { CampaignsController } from './campaigns.controller';
export type { CampaignsHttpOptions, CampaignsModuleAsyncOptions } from './campaigns.module';
export { CampaignsModule } from './campaigns.module';
export type { CampaignLedgerStore, LiveCampaignBookOptions } from './live-campaign-book';
export { LiveCampaignBook } from './live-campaign-book';
export { probabilityOfBeingBest } from './probability-best';
export { CampaignLifecycleController } from './lifecycle/campaign-lifecycle.controller';
export { CampaignLifecycleService, type CampaignLifecycleOptions, type CampaignVersionView } from './lifecycle/campaign-lifecycle.service';
export { campaignAuditRecord, type CampaignTransition } from './lifecycle/campaign-audit';
export { campaignTransitionRequestSchema, campaignWriteRequestSchema, type CampaignTransitionRequest, type CampaignWriteRequest } from './lifecycle/campaign-lifecycle-requests';
export { CampaignSimulationService, simulateCampaignRequestSchema, type CampaignSimulationAnswer, type CampaignSimulationOptions, type SimulateCampaignRequest } from './lifecycle/campaign-simulation.service';
export { DEFAULT_SERVED_CAMPAIGNS_POLL_MS, ServedCampaigns, type ServedCampaignsOptions } from './lifecycle/served-campaigns';
export { CampaignAudience, type AudienceVerdict, type CampaignAudienceOptions } from './send/campaign-audience';
export { segmentHolds, segmentReadsScores } from './send/campaign-segment';
export {
  CampaignSendJob,
  DEFAULT_CAMPAIGN_SEND_INTERVAL_MS,
  campaignSendDecisionId,
  type CampaignSendJobOptions,
  type CampaignSendRun,
  type CampaignSendStore,
  type OwnedPartitions,
} from './send/campaign-send-job';
export { CampaignSendMetrics } from './send/campaign-send-metrics';
export { campaignSendVerdict, type CampaignSendVerdict } from './send/campaign-send-verdict';
export { CampaignSendsController, type CampaignSendCountSource } from './send/campaign-sends.controller';
