import { Counter, Histogram, type Registry } from 'prom-client';
import type { CampaignSendRun } from './campaign-send-job';

/**
 * /metrics of the campaign send job: customers sent, held out and excluded per campaign (exclusions by reason
 * family — `consent_missing`, `capacity`, `campaign_full`… — so the label set stays small), and run durations.
 */
export class CampaignSendMetrics {
  private readonly sends: Counter<'campaign' | 'outcome' | 'reason'>;
  private readonly runs: Histogram<'campaign'>;

  constructor(registry: Registry) {
    this.sends = new Counter({
      name: 'kairos_campaign_sends_total',
      help: 'Customers of an outbound campaign handled by the send job of this process, by outcome (sent, held_out, excluded) and exclusion reason family',
      labelNames: ['campaign', 'outcome', 'reason'] as const,
      registers: [registry],
    });
    this.runs = new Histogram({
      name: 'kairos_campaign_send_run_seconds',
      help: 'Duration of one send run of one campaign version over the partitions this process owns',
      labelNames: ['campaign'] as const,
      buckets: [0.01, 0.1, 1, 10, 60, 300],
      registers: [registry],
    });
  }

  observeRun(run: CampaignSendRun, seconds: number): void {
    const campaign = run.campaignId;
    if (run.sent > 0) this.sends.inc({ campaign, outcome: 'sent', reason: '' }, run.sent);
    if (run.heldOut > 0) this.sends.inc({ campaign, outcome: 'held_out', reason: '' }, run.heldOut);
    for (const [reason, n] of Object.entries(run.excluded)) this.sends.inc({ campaign, outcome: 'excluded', reason: reason.split(':')[0] ?? reason }, n);
    this.runs.observe({ campaign }, seconds);
  }
}
