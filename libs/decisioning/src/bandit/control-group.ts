import { unitHash } from './seeded-random';

/**
 * Whether a customer is in a campaign's control group: a deterministic hash of (campaign, customer) below the
 * share. Stable across processes, restarts and replays, independent between campaigns.
 */
export function isInControlGroup(campaignId: string, customerId: string, share: number): boolean {
  return share > 0 && unitHash('control', campaignId, customerId) < share;
}
