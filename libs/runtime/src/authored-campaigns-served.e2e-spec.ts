import { LiveActionCatalog } from '@kairos/decisioning';
import { ServedCampaigns } from '@kairos/decisioning-service';
import { createLogger } from '@kairos/observability';
import type { CampaignVersionRow } from '@kairos/persistence';
import { JsonBody, authoredCampaign, campaignCustomerEvents, marketingConsent, requestJson } from '@kairos/testing';
import { approveCatalogContent } from './testing/catalog-content';
import { useInProcessPlatform } from './testing/in-process-platform';

/**
 * A campaign authored over HTTP reaches customers without a restart: once approved (four eyes) the decision core
 * serves it on its channel to customers in its segment, with a variant the bandit picks among approved content, and
 * the audit record names the campaign version; another process polling the version table serves it too; retired,
 * it is gone from decisions at once.
 */
const CAMPAIGN = 'autumn-savings-e2e';

// Served on request only: the send job (campaign-sends.e2e-spec) would email the segment before the test asks.
const platform = useInProcessPlatform('authored-campaigns', { env: { KAIROS_CAMPAIGN_SEND_INTERVAL_MS: '0' } });
const call = (apiKey: string, method: string, path: string, body?: unknown) => requestJson(platform.baseUrl(), method, path, { apiKey, ...(body === undefined ? {} : { body }) });

const campaign = authoredCampaign({ id: CAMPAIGN, description: 'Autumn savings mail for customers with a checking account', maxAudience: 100 }) as { variants: { id: string; contentRef: string }[] };

/** A customer registered long ago with marketing consent on email; with a checking account when `inSegment`. */
async function customer(customerId: string, inSegment: boolean): Promise<void> {
  for (const event of campaignCustomerEvents(customerId, { checkingAccount: inSegment })) expect((await call('demo-channel', 'POST', '/v1/events', event)).status).toBeLessThan(300);
  expect([200, 202]).toContain((await call('demo-dpo', 'PUT', `/v1/customers/${customerId}/consents`, marketingConsent(customerId))).status);
}

async function emailDecision(customerId: string): Promise<{ served: JsonBody | undefined; suppressed: string[]; decisionId: string }> {
  const reply = await call('demo-channel-email', 'POST', '/v1/decisions', { customerId, channel: 'email', limit: 10 });
  expect(reply.status).toBe(200);
  return {
    served: reply.body.actions.find((a: JsonBody) => a.actionId === CAMPAIGN),
    suppressed: reply.body.suppressed.filter((s: JsonBody) => s.actionId === CAMPAIGN).flatMap((s: JsonBody) => s.reasons),
    decisionId: reply.body.decisionId,
  };
}

beforeAll(async () => {
  await approveCatalogContent(platform.runtime(), platform.baseUrl());
  await customer('acs-in-1', true);
  await customer('acs-out-1', false);
}, 60_000);

describe('authored campaigns in decisions', () => {
  it('serves an approved campaign to its segment with a bandit-chosen approved variant, in every process, and stops it when retired', async () => {
    expect((await call('demo-rule-modeler', 'POST', '/v1/campaigns', { campaign, reason: 'autumn plan' })).status).toBe(201);
    expect((await call('demo-rule-modeler', 'POST', `/v1/campaigns/${CAMPAIGN}/submit`, {})).status).toBe(200);
    // Drafts and versions in review reach no one.
    expect(await emailDecision('acs-in-1')).toMatchObject({ served: undefined, suppressed: [] });

    // Another process: its own live catalog over the same version table, polling.
    const other = new LiveActionCatalog(platform.runtime().modules.campaigns.catalog.base);
    const otherServed = new ServedCampaigns({
      live: other,
      activeVersions: () => platform.runtime().database.getRepository<CampaignVersionRow>('CampaignVersion').find({ where: { status: 'active' } }),
      isFeature: (name) => platform.runtime().registry.has(name),
      logger: createLogger({ level: 'silent' }),
      pollIntervalMs: 100,
    });
    await otherServed.start();
    expect(other.actionsById.has(CAMPAIGN)).toBe(false);

    try {
      const approved = await call('demo-admin', 'POST', `/v1/campaigns/${CAMPAIGN}/approve`, { reason: 'segment checked' });
      expect(approved.body).toMatchObject({ status: 'active', version: 1 });

      // This process serves it with the very next decision: in the segment, an approved variant chosen by the bandit.
      const inSegment = await emailDecision('acs-in-1');
      expect(inSegment.served).toMatchObject({ channel: 'email', content: { campaignId: CAMPAIGN, variantId: expect.any(String), version: expect.any(String) } });
      const variant = campaign.variants.find((v) => v.id === inSegment.served!.content.variantId);
      expect(inSegment.served!.content.ref).toBe(variant?.contentRef);
      const outOfSegment = await emailDecision('acs-out-1');
      expect(outOfSegment.served).toBeUndefined();
      expect(outOfSegment.suppressed).toContain(`not_in_segment:${CAMPAIGN}`);

      // The audit record names the campaign and its version (in the catalog version it was decided with).
      const page = await platform.runtime().audit.service.list({ decisionId: inSegment.decisionId, kind: 'decision_served' }, undefined, 1);
      expect(page.records).toHaveLength(1);
      const record = JSON.stringify(page.records[0]);
      expect(record).toContain(`campaigns:${CAMPAIGN}@1`);
      expect(record).toContain(`"campaignId":"${CAMPAIGN}"`);

      // The exposure counts for the campaign's bandit, shown by GET /v1/campaigns/{id}.
      const view = await call('demo-data-scientist', 'GET', `/v1/campaigns/${CAMPAIGN}`);
      expect(view.body).toMatchObject({ id: CAMPAIGN, audience: 1, channels: ['email'] });

      // The other process picks the approval up from the version table within its poll.
      for (let i = 0; i < 100 && !other.actionsById.has(CAMPAIGN); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(other.activeVersions()).toEqual([`${CAMPAIGN}@1`]);

      expect((await call('demo-rule-modeler', 'POST', `/v1/campaigns/${CAMPAIGN}/retire`, { reason: 'budget cut' })).body).toMatchObject({ status: 'retired' });
      expect(await emailDecision('acs-in-1')).toMatchObject({ served: undefined, suppressed: [] });
      for (let i = 0; i < 100 && other.actionsById.has(CAMPAIGN); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(other.activeVersions()).toEqual([]);
      expect(other.generation).toBe(2);
    } finally {
      await otherServed.stop();
    }
  });
});
