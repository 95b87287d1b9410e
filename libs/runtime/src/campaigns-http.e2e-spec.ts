import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@kairos/config';
import type { DecisionOutcome } from '@kairos/decisioning';
import { createLogger } from '@kairos/observability';
import { CampaignLedgerRepository } from '@kairos/persistence';
import { atmPinFailedEvent, requestJson } from '@kairos/testing';
import { closeCampaigns, openCampaigns, type CampaignsParts } from './campaigns-parts';
import { CampaignsWiringModule } from './campaigns-wiring.module';
import { createHttpApp } from './create-http-app';
import { KairosRuntime } from './kairos-runtime';
import { PLATFORM_FEATURES } from './platform-features';

const CAMPAIGN = 'retention-winter-2026';

/** What a served decision leaves for the book: the retention offer with a variant, or a control-group holdout. */
function retentionOutcome(decisionId: string, customerId: string, variantId: string | null, decidedAtMs: number): DecisionOutcome {
  const shown = variantId ? [{ actionId: 'retention-offer', channel: 'email', priority: 60, content: { campaignId: CAMPAIGN, variantId } }] : [];
  return { decisionId, customerId, decidedAtMs, actions: shown, holdouts: variantId ? [] : [{ campaignId: CAMPAIGN, actionId: 'retention-offer' }] } as unknown as DecisionOutcome;
}

describe('campaigns and channel capacity over HTTP', () => {
  let dataDir: string;
  let runtime: KairosRuntime;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let parts: CampaignsParts;
  const get = (path: string, apiKey: string) => requestJson(baseUrl, 'GET', path, { apiKey });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kairos-campaigns-'));
    const capacity = JSON.stringify([{ channel: 'callback', capacity: 1, window: '1h', overflow: 'defer', maxDefer: '2h' }]);
    runtime = await KairosRuntime.open(loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false', LOG_LEVEL: 'silent', KAIROS_CHANNEL_CAPACITY: capacity }), createLogger({ level: 'silent' }));
    // The runtime opened its campaigns (and attached them to the worker); this is the same instance.
    parts = await openCampaigns(runtime);
    await runtime.startWorker();
    app = await createHttpApp(runtime, [...PLATFORM_FEATURES, CampaignsWiringModule]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app?.close();
    if (runtime) await closeCampaigns(runtime);
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the campaigns with status and audience, for roles with Campaign read only', async () => {
    const listed = await get('/v1/campaigns', 'demo-content-author');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ items: [expect.objectContaining({ id: CAMPAIGN, status: 'running', channels: ['email', 'push', 'app', 'call_center'], audience: 0, maxAudience: 50000 })] });
    expect((await get('/v1/campaigns', 'demo-channel')).status).toBe(403);
    expect((await get(`/v1/campaigns/${CAMPAIGN}`, 'demo-dpo')).status).toBe(403);
    expect((await get('/v1/campaigns/no-such-campaign', 'demo-rule-modeler')).status).toBe(404);
    expect((await get('/v1/campaigns/%20bad%20id', 'demo-rule-modeler')).body).toMatchObject({ issues: [expect.objectContaining({ path: 'campaignId' })] });
  });

  it('shows exposures, a click credited from the applied log, posteriors and control conversion — and persists them', async () => {
    const now = Date.now();
    parts.book.recordExposures(retentionOutcome('dec-1', 'cmp-e2e-1', 'fee-waiver', now - 60_000));
    parts.book.recordExposures(retentionOutcome('dec-2', 'cmp-e2e-2', 'bonus-interest', now - 60_000));
    parts.book.recordExposures(retentionOutcome('dec-3', 'cmp-e2e-3', null, now - 60_000));
    const click = atmPinFailedEvent('cmp-e2e-1', { type: 'message_clicked', source: 'messaging', data: { messageId: 'msg-1', actionId: 'retention-offer', variantId: 'fee-waiver' } });
    expect((await requestJson(baseUrl, 'POST', '/v1/events', { apiKey: 'demo-channel', body: click })).status).toBeLessThan(300);

    let view = (await get(`/v1/campaigns/${CAMPAIGN}`, 'demo-data-scientist')).body as { variants: { variantId: string; successes: number }[] };
    for (let i = 0; i < 100 && view.variants[0].successes === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = (await get(`/v1/campaigns/${CAMPAIGN}`, 'demo-data-scientist')).body as typeof view;
    }
    expect(view).toMatchObject({
      id: CAMPAIGN,
      audience: 3,
      controlShare: 0.1,
      goal: { event: { type: 'message_clicked', where: { actionId: 'retention-offer' } }, within: '14d' },
      variants: [
        { variantId: 'fee-waiver', exposed: 1, successes: 1, pending: 0, posterior: { alpha: 2, beta: 1, mean: 2 / 3, credibleInterval95: [expect.any(Number), expect.any(Number)] }, probabilityBest: expect.any(Number) },
        { variantId: 'bonus-interest', exposed: 1, successes: 0, pending: 1, posterior: { alpha: 1, beta: 1 } },
        { variantId: 'personal-advisor', exposed: 0 },
      ],
      control: { exposed: 1, successes: 0, pending: 1, conversionRate: null },
      uplift: null,
    });
    const variants = view.variants as unknown as { probabilityBest: number }[];
    expect(variants.reduce((sum, v) => sum + v.probabilityBest, 0)).toBeCloseTo(1, 6);
    expect(parts.book.stateOf(CAMPAIGN)).toEqual({ arms: expect.arrayContaining([{ variantId: 'fee-waiver', alpha: 2, beta: 1 }]), audience: 3 });

    await parts.book.sync();
    const stored = await new CampaignLedgerRepository(runtime.database).loadCounts();
    expect(stored).toEqual(
      expect.arrayContaining([
        { campaignId: CAMPAIGN, arm: 'fee-waiver', exposed: 1, successes: 1, failures: 0 },
        { campaignId: CAMPAIGN, arm: 'control', exposed: 1, successes: 0, failures: 0 },
      ]),
    );
    await expect(new CampaignLedgerRepository(runtime.database).openExposures()).resolves.toHaveLength(2);
  });

  it('shows the callback breaker open with what it held back, in /v1/capacity and /metrics', async () => {
    const callback = (decisionId: string, priority: number) =>
      ({ decisionId, customerId: 'cap-1', decidedAtMs: Date.now(), actions: [{ actionId: 'card-unlock', channel: 'callback', priority }], holdouts: [] }) as unknown as DecisionOutcome;
    expect(parts.breakers.admit(callback('cap-d1', 50)).map((v) => v.verdict)).toEqual(['released']);
    expect(parts.breakers.admit(callback('cap-d2', 20)).map((v) => v.verdict)).toEqual(['deferred']);
    expect(parts.capacity('callback', Date.now())).toBe(false);
    expect(parts.capacity('email', Date.now())).toBe(true);

    const capacity = await get('/v1/capacity', 'demo-rule-modeler');
    expect(capacity.status).toBe(200);
    expect(capacity.body).toEqual({
      channels: [
        expect.objectContaining({
          channel: 'callback',
          state: 'open',
          capacity: 1,
          usedInWindow: 1,
          queued: 1,
          deferrals: 1,
          skippedByDecisions: 1,
          heldBack: [expect.objectContaining({ id: 'cap-d2/card-unlock', reason: 'deferred', priority: 20 })],
        }),
      ],
    });
    expect((await get('/v1/capacity', 'demo-content-author')).status).toBe(403);
    const metrics = await get('/metrics', 'demo-admin');
    expect(metrics.body).toContain('kairos_channel_breaker_open{channel="callback"} 1');
    expect(metrics.body).toContain('kairos_channel_held_back_total{channel="callback",reason="deferred"} 1');
    expect(metrics.body).toContain('kairos_channel_held_back_total{channel="callback",reason="skipped_by_decision"} 1');
  });
});
