// Repositories of the campaigns area (campaign exposures awaiting attribution, the bandit's outcome counts, and the
// cluster-wide channel capacity windows).
export type {
  CampaignArmCountRow,
  CampaignAudienceClaimRow,
  CampaignExposureRow,
  CampaignSendRow,
  CampaignSendStatus,
  CampaignVersionRow,
  CampaignVersionStatus,
  ChannelCapacityWindowRow,
} from './campaigns-tables.entity';
export { CAMPAIGN_SEND_STATUSES, CAMPAIGN_VERSION_STATUSES } from './campaigns-tables.entity';
export { CampaignVersionRepository, type CampaignVersionRecord } from './campaign-version.repository';
export type { CampaignLedgerBatch, CampaignLedgerBatchResult, ExposureResolution, StoredArmCounts, StoredExposure } from './campaign-ledger.repository';
export { CampaignLedgerRepository } from './campaign-ledger.repository';
export { ChannelCapacityWindowRepository, type CapacityWindowKey } from './channel-capacity-window.repository';
export {
  CampaignSendRepository,
  type CampaignSendCounts,
  type CampaignSendKey,
  type SendClaim,
  type SendClaimBatch,
  type SendClose,
  type SendExclusion,
  type SendState,
} from './campaign-send.repository';
