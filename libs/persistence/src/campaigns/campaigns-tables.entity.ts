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

/**
 * Outbound actions released on a channel in one fixed window, counted over all processes (the cluster-wide channel
 * capacity). Each dispatcher claims slots under a row lock, so the sum never exceeds the window's capacity.
 */
export interface ChannelCapacityWindowRow {
  channel: string;
  windowStartMs: number;
  used: number;
  /** What the latest claim on the window was granted (read back by that claim's RETURNING). */
  lastGranted: number;
  updatedAtMs: number;
}

export const CAMPAIGN_VERSION_STATUSES = ['draft', 'review', 'active', 'retired'] as const;
export type CampaignVersionStatus = (typeof CAMPAIGN_VERSION_STATUSES)[number];

/**
 * One version of a campaign authored over HTTP: draft → review → active (four eyes) → retired. `definition` is the
 * validated JSON; `rowVersion` guards every transition against a concurrent one (optimistic locking).
 */
export interface CampaignVersionRow {
  campaignId: string;
  version: number;
  status: CampaignVersionStatus;
  definition: string;
  authorId: string;
  lastEditorId: string;
  submittedBy: string | null;
  approvedBy: string | null;
  rowVersion: number;
  createdAtMs: number;
  updatedAtMs: number;
}

export const CAMPAIGN_SEND_STATUSES = ['pending', 'sent', 'held_out', 'excluded'] as const;
export type CampaignSendStatus = (typeof CAMPAIGN_SEND_STATUSES)[number];

/**
 * One customer of an outbound campaign version as the send job saw them. The primary key (campaign, version,
 * customer) is what makes a send happen at most once across restarts, partition moves and processes: `pending`
 * while its decision is in flight (the decision id is fixed per attempt, so a resumed send is dropped by the outbox),
 * then `sent` or `held_out` (final) or `excluded` with the reason (looked at again after a while).
 */
export interface CampaignSendRow {
  campaignId: string;
  version: number;
  customerId: string;
  partitionId: number;
  status: CampaignSendStatus;
  reason: string | null;
  decisionId: string;
  attempts: number;
  /** Audience slots the row holds: 1 while pending, sent or held out under a `maxAudience`, else 0. */
  slots: number;
  updatedAtMs: number;
}

/** Audience slots of a campaign version claimed so far over all processes (the cluster-wide `maxAudience`). */
export interface CampaignAudienceClaimRow {
  campaignId: string;
  version: number;
  claimed: number;
  updatedAtMs: number;
}

/** Tables of the campaigns area: open exposures awaiting attribution, the bandit's outcome counts, channel budgets. */
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
    new EntitySchema<ChannelCapacityWindowRow>({
      name: 'ChannelCapacityWindow',
      tableName: 'channel_capacity_windows',
      columns: {
        channel: { type: 'varchar', length: 32, primary: true },
        windowStartMs: { name: 'window_start_ms', ...int64, primary: true },
        used: { ...int64 },
        lastGranted: { name: 'last_granted', ...int64, default: 0 },
        updatedAtMs: { name: 'updated_at_ms', ...int64 },
      },
    }),
    new EntitySchema<CampaignVersionRow>({
      name: 'CampaignVersion',
      tableName: 'campaign_versions',
      columns: {
        campaignId: { name: 'campaign_id', type: 'varchar', length: 64, primary: true },
        version: { type: 'integer', primary: true },
        status: { type: 'varchar', length: 16 },
        definition: { type: 'text' },
        authorId: { name: 'author_id', type: 'varchar', length: 128 },
        lastEditorId: { name: 'last_editor_id', type: 'varchar', length: 128 },
        submittedBy: { name: 'submitted_by', type: 'varchar', length: 128, nullable: true },
        approvedBy: { name: 'approved_by', type: 'varchar', length: 128, nullable: true },
        rowVersion: { name: 'row_version', type: 'integer' },
        createdAtMs: { name: 'created_at_ms', ...int64 },
        updatedAtMs: { name: 'updated_at_ms', ...int64 },
      },
    }),
    new EntitySchema<CampaignSendRow>({
      name: 'CampaignSend',
      tableName: 'campaign_sends',
      columns: {
        campaignId: { name: 'campaign_id', type: 'varchar', length: 64, primary: true },
        version: { type: 'integer', primary: true },
        customerId: { name: 'customer_id', type: 'varchar', length: 128, primary: true },
        partitionId: { name: 'partition_id', type: 'integer' },
        status: { type: 'varchar', length: 16 },
        reason: { type: 'varchar', length: 128, nullable: true },
        decisionId: { name: 'decision_id', type: 'varchar', length: 128 },
        attempts: { type: 'integer' },
        slots: { type: 'integer' },
        updatedAtMs: { name: 'updated_at_ms', ...int64 },
      },
      indices: [{ name: 'campaign_sends_partition', columns: ['campaignId', 'version', 'partitionId'] }],
    }),
    new EntitySchema<CampaignAudienceClaimRow>({
      name: 'CampaignAudienceClaim',
      tableName: 'campaign_audience_claims',
      columns: {
        campaignId: { name: 'campaign_id', type: 'varchar', length: 64, primary: true },
        version: { type: 'integer', primary: true },
        claimed: { ...int64 },
        updatedAtMs: { name: 'updated_at_ms', ...int64 },
      },
    }),
  ];
}
