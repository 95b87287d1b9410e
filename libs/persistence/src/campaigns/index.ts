// Repositories of the campaigns area (campaign exposures awaiting attribution and the bandit's outcome counts).
export type { CampaignArmCountRow, CampaignExposureRow } from './campaigns-tables.entity';
export type { CampaignLedgerBatch, CampaignLedgerBatchResult, ExposureResolution, StoredArmCounts, StoredExposure } from './campaign-ledger.repository';
export { CampaignLedgerRepository } from './campaign-ledger.repository';
