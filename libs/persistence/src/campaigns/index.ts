// Repositories of the campaigns area (campaign exposures awaiting attribution, the bandit's outcome counts, and the
// cluster-wide channel capacity windows).
export type { CampaignArmCountRow, CampaignExposureRow, CampaignVersionRow, CampaignVersionStatus, ChannelCapacityWindowRow } from './campaigns-tables.entity';
export { CAMPAIGN_VERSION_STATUSES } from './campaigns-tables.entity';
export { CampaignVersionRepository, type CampaignVersionRecord } from './campaign-version.repository';
export type { CampaignLedgerBatch, CampaignLedgerBatchResult, ExposureResolution, StoredArmCounts, StoredExposure } from './campaign-ledger.repository';
export { CampaignLedgerRepository } from './campaign-ledger.repository';
export { ChannelCapacityWindowRepository, type CapacityWindowKey } from './channel-capacity-window.repository';
