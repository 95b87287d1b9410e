import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@kairos/config';
import { isInControlGroup } from '@kairos/decisioning';
import { campaignSendDecisionId } from '@kairos/decisioning-service';
import { createLogger } from '@kairos/observability';
import { CampaignLedgerRepository } from '@kairos/persistence';
import { JsonBody, authoredCampaign, campaignCustomerEvents, marketingConsent, requestJson } from '@kairos/testing';
import { createHttpApp } from './create-http-app';
import { KairosRuntime } from './kairos-runtime';
import { PLATFORM_FEATURES } from './platform-features';
import { approveCatalogContent } from './testing/catalog-content';

/**
 * Outbound campaigns are sent without anyone asking: approved (four eyes), the send job of the partition-owning
 * worker walks its customers at once, sends to exactly the eligible segment members through the decision core into
 * the outbox (audited, exposure in the campaign ledger), holds the control group out, records every exclusion with
 * its reason, stops at the audience cap — and after a restart sends nothing twice.
 */
const AUTUMN = 'cs-autumn-mail';
const WINTER = 'cs-winter-mail';

/** Customers with a checking account and email consent: four contacted, one in AUTUMN's control group (30%). */
const candidates = Array.from({ length: 40 }, (_, i) => `cs-in-${i}`);
const CONTACTED = candidates.filter((id) => !isInControlGroup(AUTUMN, id, 0.3)).slice(0, 4);
const CONTROL = candidates.filter((id) => isInControlGroup(AUTUMN, id, 0.3)).slice(0, 1);
/** In the segment, no opt-in for email marketing. */
const NO_CONSENT = 'cs-no-consent';
/** No checking account (outside AUTUMN's segment), email consent. */
const OUTSIDE = ['cs-out-1', 'cs-out-2', 'cs-out-3'];

describe('the send job of outbound campaigns', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kairos-campaign-sends-'));
  let runtime: KairosRuntime | undefined;
  let app: NestFastifyApplication | undefined;
  let baseUrl = '';
  const call = (apiKey: string, method: string, path: string, body?: unknown) => requestJson(baseUrl, method, path, { apiKey, ...(body === undefined ? {} : { body }) });

  async function start(): Promise<KairosRuntime> {
    const opened = await KairosRuntime.open(loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false', LOG_LEVEL: 'silent' }), createLogger({ level: 'silent' }));
    runtime = opened;
    await opened.startWorker();
    app = await createHttpApp(opened, PLATFORM_FEATURES);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    return opened;
  }

  async function stop(): Promise<void> {
    await app?.close();
    await runtime?.close();
    app = undefined;
    runtime = undefined;
  }

  async function ingest(customerId: string, options: { checkingAccount: boolean; emailConsent: boolean }): Promise<void> {
    for (const event of campaignCustomerEvents(customerId, options)) expect((await call('demo-channel', 'POST', '/v1/events', event)).status).toBe(202);
    if (options.emailConsent) expect([200, 202]).toContain((await call('demo-dpo', 'PUT', `/v1/customers/${customerId}/consents`, marketingConsent(customerId))).status);
  }

  async function activate(campaign: Record<string, unknown>): Promise<void> {
    const id = String(campaign['id']);
    expect((await call('demo-rule-modeler', 'POST', '/v1/campaigns', { campaign, reason: 'mailing plan' })).status).toBe(201);
    expect((await call('demo-rule-modeler', 'POST', `/v1/campaigns/${id}/submit`, {})).status).toBe(200);
    expect((await call('demo-admin', 'POST', `/v1/campaigns/${id}/approve`, { reason: 'segment checked' })).body).toMatchObject({ status: 'active', version: 1 });
  }

  /** The send counts once the job has settled `customers` customers of the campaign (it runs on its own schedule). */
  async function settledSends(campaignId: string, customers: number): Promise<JsonBody> {
    let counts: JsonBody = {};
    for (let i = 0; i < 300; i++) {
      const reply = await call('demo-data-scientist', 'GET', `/v1/campaigns/${campaignId}/sends`);
      expect(reply.status).toBe(200);
      counts = reply.body.items[0] ?? {};
      const excluded = Object.values((counts['excluded'] ?? {}) as Record<string, number>).reduce((sum, n) => sum + n, 0);
      if (counts['pending'] === 0 && counts['sent'] + counts['heldOut'] + excluded === customers) return counts;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return counts;
  }

  const outboxRows = (campaignId: string) => runtime!.database.getRepository('ActionOutbox').find({ where: { campaignId } }) as Promise<{ customerId: string; decisionId: string; variantId: string; channel: string }[]>;

  beforeAll(async () => {
    const opened = await start();
    await approveCatalogContent(opened, baseUrl);
    for (const id of [...CONTACTED, ...CONTROL]) await ingest(id, { checkingAccount: true, emailConsent: true });
    await ingest(NO_CONSENT, { checkingAccount: true, emailConsent: false });
    for (const id of OUTSIDE) await ingest(id, { checkingAccount: false, emailConsent: true });
  }, 120_000);

  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps GET /v1/campaigns/{id}/sends to campaign readers and answers 404 for a campaign nobody authored', async () => {
    expect((await call('demo-channel', 'GET', `/v1/campaigns/${AUTUMN}/sends`)).status).toBe(403);
    expect((await call('demo-data-scientist', 'GET', '/v1/campaigns/nobody-wrote-this/sends')).status).toBe(404);
    expect((await call('demo-data-scientist', 'GET', '/v1/campaigns/Not An Id/sends')).status).toBe(400);
  });

  it('sends to exactly the eligible segment members right after approval, holds out the control group and names each exclusion', async () => {
    await activate(authoredCampaign({ id: AUTUMN, controlShare: 0.3 }));
    const counts = await settledSends(AUTUMN, CONTACTED.length + CONTROL.length + 1);
    expect(counts).toEqual({ campaignId: AUTUMN, version: 1, sent: 4, heldOut: 1, pending: 0, excluded: { 'consent_missing:marketing:email': 1 }, audienceClaimed: null });

    // One outbox row per contacted customer, on the campaign's channel with a variant the bandit chose; none for the
    // control customer, the customer without consent or those outside the segment.
    const rows = await outboxRows(AUTUMN);
    expect(rows.map((row) => row.customerId).sort()).toEqual([...CONTACTED].sort());
    expect(rows.every((row) => row.channel === 'email' && ['fee-waiver', 'bonus-interest'].includes(row.variantId))).toBe(true);

    // Audited like every automated decision, naming the campaign version that asked.
    const decisionId = campaignSendDecisionId(AUTUMN, 1, CONTACTED[0]!, 1);
    expect(rows.find((row) => row.customerId === CONTACTED[0])?.decisionId).toBe(decisionId);
    const audited = await runtime!.audit.service.list({ decisionId, kind: 'decision_served' }, undefined, 5);
    expect(audited.records).toHaveLength(1);
    expect(JSON.stringify(audited.records[0])).toContain(`"origin":{"campaignId":"${AUTUMN}","campaignVersion":1}`);

    // Exposures (the control customer's as `control`) are in the campaign ledger for uplift and the bandit.
    await runtime!.modules.campaigns.book.sync();
    const exposures = (await new CampaignLedgerRepository(runtime!.database).openExposures()).filter((e) => e.campaignId === AUTUMN);
    expect(exposures.map((e) => [e.customerId, e.arm === 'control']).sort()).toEqual([...CONTACTED.map((id) => [id, false]), [CONTROL[0], true]].sort());

    const metrics = await fetch(`${baseUrl}/metrics`, { headers: { authorization: 'Bearer demo-admin' } }).then((reply) => reply.text());
    expect(metrics).toContain(`kairos_campaign_sends_total{campaign="${AUTUMN}",outcome="sent",reason=""} 4`);
    expect(metrics).toContain(`kairos_campaign_sends_total{campaign="${AUTUMN}",outcome="excluded",reason="consent_missing"} 1`);
  });

  it('excludes customers another campaign reached within its window and stops at the cluster-wide audience cap', async () => {
    // Everyone is in the segment (none given); AUTUMN's four contacted customers are excluded, two of the four others
    // (AUTUMN's control customer and the three outside its segment) fill the cap.
    await activate(authoredCampaign({ id: WINTER, segment: undefined, maxAudience: 2, excludeIfInOtherCampaignWithin: '7d' }));
    const counts = await settledSends(WINTER, 9);
    expect(counts).toEqual({
      campaignId: WINTER,
      version: 1,
      sent: 2,
      heldOut: 0,
      pending: 0,
      excluded: { [`campaign_exclusion:${AUTUMN}`]: 4, 'consent_missing:marketing:email': 1, 'campaign_full:max_audience': 2 },
      audienceClaimed: 2,
    });
    const reached = (await outboxRows(WINTER)).map((row) => row.customerId);
    expect(reached).toHaveLength(2);
    expect(reached.every((id) => [...CONTROL, ...OUTSIDE].includes(id))).toBe(true);
  });

  it('sends nothing twice after a restart', async () => {
    const before = { autumn: await outboxRows(AUTUMN), winter: await outboxRows(WINTER) };
    await stop();
    const restarted = await start();
    // The restarted worker folds its customers again before the job can see them.
    const customers = () => restarted.worker.ownedPartitions().reduce((sum, p) => sum + (restarted.worker.store(p)?.customerIds().length ?? 0), 0);
    for (let i = 0; i < 200 && customers() < 9; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(customers()).toBe(9);

    const runs = await restarted.modules.campaignSends.runAll();
    expect(runs.map(({ campaignId, sent, heldOut }) => ({ campaignId, sent, heldOut })).sort((a, b) => a.campaignId.localeCompare(b.campaignId))).toEqual([
      { campaignId: AUTUMN, sent: 0, heldOut: 0 },
      { campaignId: WINTER, sent: 0, heldOut: 0 },
    ]);
    // Every customer the first process settled was recognised as settled, not decided again.
    expect(runs.find((run) => run.campaignId === AUTUMN)).toMatchObject({ skipped: 6, excluded: {} });
    expect(runs.find((run) => run.campaignId === WINTER)).toMatchObject({ skipped: 9, excluded: {} });
    expect((await outboxRows(AUTUMN)).map((row) => row.decisionId).sort()).toEqual(before.autumn.map((row) => row.decisionId).sort());
    expect((await outboxRows(WINTER)).map((row) => row.decisionId).sort()).toEqual(before.winter.map((row) => row.decisionId).sort());
  });
});
