import { EntitySchema } from 'typeorm';
import { Dialect, int64Column } from '../dialect';

/**
 * Outcome counts of one campaign arm (a variant id or `control`), summed over every process: each process adds its
 * increments to the row, so all of them read the same posterior (alpha = 1 + successes, beta = 1 + failures).
 */
export interface CampaignArmCountRow {
  campaignId: string;
  arm: string;
  exposed: number;
  successes: number;
  failures: number;
  updatedAtMs: number;
}

/**
 * An exposure still waiting for its goal (open until the goal event is credited or the attribution window closes).
 * Deleting the row is what resolves it, so a success or failure is counted once even if two processes try.
 */
export interface CampaignExposureRow {
  campaignId: string;
  customerId: string;
  arm: string;
  partitionId: number;
  exposedAtMs: number;
  decisionId: string;
}

/** Tables of the campaigns area: open exposures awaiting attribution and the bandit's outcome counts. */
export function campaignsEntities(dialect: Dialect): EntitySchema[] {
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<CampaignArmCountRow>({
      name: 'CampaignArmCount',
      tableName: 'campaign_arm_counts',
      columns: {
        campaignId: { name: 'campaign_id', type: 'varchar', length: 64, primary: true },
        arm: { type: 'varchar', length: 64, primary: true },
        exposed: { ...int64 },
        successes: { ...int64 },
        failures: { ...int64 },
        updatedAtMs: { name: 'updated_at_ms', ...int64 },
      },
    }),
    new EntitySchema<CampaignExposureRow>({
      name: 'CampaignExposure',
      tableName: 'campaign_exposures',
      columns: {
        campaignId: { name: 'campaign_id', type: 'varchar', length: 64, primary: true },
        customerId: { name: 'customer_id', type: 'varchar', length: 128, primary: true },
        arm: { type: 'varchar', length: 64 },
        partitionId: { name: 'partition_id', type: 'integer' },
        exposedAtMs: { name: 'exposed_at_ms', ...int64 },
        decisionId: { name: 'decision_id', type: 'varchar', length: 128 },
      },
      indices: [
        { name: 'campaign_exposures_customer', columns: ['customerId'] },
        { name: 'campaign_exposures_exposed_at', columns: ['exposedAtMs'] },
      ],
    }),
  ];
}
