import type { DecisionOutcome } from '@kairos/decisioning';

/** What a campaign-send decision came to for the campaign's one action. */
export type CampaignSendVerdict = { readonly status: 'sent' | 'held_out'; readonly reason: null } | { readonly status: 'excluded'; readonly reason: string };

/**
 * Reads a decision asked for one campaign action: served (to the outbox), held out as control group (exposure
 * recorded for uplift, no message), or suppressed — the first reason code of the stage that stopped it (e.g.
 * `consent_missing:marketing:email`, `cap:…`, `capacity:email`, `campaign_exclusion:<other>`); the full list of
 * reasons is in the decision's audit record.
 */
export function campaignSendVerdict(outcome: DecisionOutcome, campaignId: string): CampaignSendVerdict {
  if (outcome.actions.some((action) => action.actionId === campaignId)) return { status: 'sent', reason: null };
  if (outcome.holdouts.some((holdout) => holdout.campaignId === campaignId)) return { status: 'held_out', reason: null };
  const suppressed = outcome.suppressed.find((entry) => entry.actionId === campaignId);
  return { status: 'excluded', reason: suppressed?.reasons[0] ?? 'not_decided' };
}
