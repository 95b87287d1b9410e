import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@kairos/config';
import type { DecisionOutcome } from '@kairos/decisioning';
import { createLogger } from '@kairos/observability';
import { CampaignLedgerRepository } from '@kairos/persistence';
import { atmPinFailedEvent, authoredCampaign, requestJson } from '@kairos/testing';
import { closeCampaigns, openCampaigns, type CampaignsParts } from './campaigns-parts';
import { CampaignsWiringModule } from './campaigns-wiring.module';
import { createHttpApp } from './create-http-app';
import { KairosRuntime } from './kairos-runtime';
import { PLATFORM_FEATURES } from './platform-features';
import { approveCatalogContent } from './testing/catalog-content';

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

  it('shows the callback budget spent with what it held back, in /v1/capacity and /metrics', async () => {
    // Two callbacks leave through the outbox; the budget (1 per hour, cluster-wide) lets the higher priority out.
    const callback = (decisionId: string, priority: number) =>
      ({
        decisionId,
        customerId: 'cap-1',
        decidedAtMs: Date.now(),
        actions: [{ rank: 1, actionId: 'card-unlock', actionVersion: 1, channel: 'callback', priority, content: { ref: 'card-unlock', version: '1', campaignId: null, variantId: null } }],
        holdouts: [],
      }) as unknown as DecisionOutcome;
    const { outbox } = runtime.modules.outbox;
    await outbox.dispatcher.stop();
    await outbox.sink.emit([callback('cap-d2', 20), callback('cap-d1', 50)]);
    await outbox.dispatcher.drain();
    expect((await outbox.repository.find('cap-d1', 'card-unlock'))?.status).toBe('published');
    const held = await outbox.repository.find('cap-d2', 'card-unlock');
    expect(held).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/^capacity_deferred_since:/) });
    // It waits for the next window of the budget (windows are whole hours here).
    expect(held!.nextAttemptAtMs % 3_600_000).toBe(0);
    expect(held!.nextAttemptAtMs).toBeGreaterThan(held!.createdAtMs);
    expect(parts.capacity('callback', Date.now())).toBe(false);
    expect(parts.capacity('email', Date.now())).toBe(true);

    const capacity = await get('/v1/capacity', 'demo-rule-modeler');
    expect(capacity.status).toBe(200);
    expect(capacity.body).toEqual({
      channels: [
        expect.objectContaining({
          channel: 'callback',
          scope: 'cluster',
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

  it('sends a quiet-hours deferral at its time only if consent still allows it (checked again at dispatch)', async () => {
    const change = { purpose: 'marketing', channel: 'push', status: 'given', method: 'app', capturedAt: new Date().toISOString(), noticeId: 'notice-1', noticeVersion: '1', evidenceRef: 'ev-qh-1' };
    expect([200, 202]).toContain((await requestJson(baseUrl, 'PUT', '/v1/customers/qh-given/consents', { apiKey: 'demo-dpo', body: change })).status);
    const untilMs = Date.now() + 300;
    const nudge = (customerId: string) =>
      ({
        decisionId: `qh-${customerId}`,
        customerId,
        decidedAtMs: Date.now(),
        actions: [
          { rank: 1, actionId: 'credit-card-usage-nudge', actionVersion: 1, channel: 'push', priority: 5, content: { ref: 'credit-card-first-use-nudge', version: '1', campaignId: null, variantId: null }, reasons: [], deferredUntilMs: untilMs },
        ],
        holdouts: [],
      }) as unknown as DecisionOutcome;
    const { outbox } = runtime.modules.outbox;
    await outbox.sink.emit([nudge('qh-given'), nudge('qh-unknown')]);
    expect(await outbox.dispatcher.drain()).toBe(0);
    // After the window: the consented customer's push goes; the one without consent (no profile) is cancelled.
    let given = await outbox.repository.find('qh-qh-given', 'credit-card-usage-nudge');
    for (let i = 0; i < 100 && given?.status !== 'published'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await outbox.dispatcher.drain();
      given = await outbox.repository.find('qh-qh-given', 'credit-card-usage-nudge');
    }
    expect(given?.status).toBe('published');
    expect(await outbox.repository.find('qh-qh-unknown', 'credit-card-usage-nudge')).toMatchObject({ status: 'cancelled', lastError: 'consent_withdrawn:marketing:push' });
  });

  describe('authoring: draft → review → active with four eyes, audited', () => {
    const spring = (fields: Record<string, unknown> = {}) =>
      authoredCampaign({
        id: 'spring-savings-2027',
        description: 'Spring savings push for customers with idle balances',
        segment: 'scores.churn < 0.5',
        controlShare: 0.2,
        goal: { event: { type: 'message_clicked', where: { actionId: 'retention-offer' } }, within: '7d' },
        excludeIfInOtherCampaignWithin: '14d',
        maxAudience: 1000,
        startsAt: '2027-03-01T00:00:00Z',
        endsAt: '2027-04-01T00:00:00Z',
        ...fields,
      });
    const call = (method: string, path: string, apiKey: string | undefined, body?: unknown) => requestJson(baseUrl, method, path, { ...(apiKey ? { apiKey } : {}), ...(body === undefined ? {} : { body }) });
    const issues = (body: unknown) => (body as { issues: { path: string; rule: string }[] }).issues.map((issue) => `${issue.path}:${issue.rule}`);

    beforeAll(async () => {
      await approveCatalogContent(runtime, baseUrl);
    });

    it('refuses callers without the permission (401 without a key, 403 per role)', async () => {
      expect((await call('POST', '/v1/campaigns', undefined, { campaign: spring() })).status).toBe(401);
      for (const role of ['demo-channel', 'demo-data-scientist', 'demo-content-author', 'demo-content-reviewer', 'demo-dpo']) {
        expect([role, (await call('POST', '/v1/campaigns', role, { campaign: spring() })).status]).toEqual([role, 403]);
        expect([role, (await call('POST', '/v1/campaigns/spring-savings-2027/approve', role, {})).status]).toEqual([role, 403]);
      }
      expect((await call('PUT', '/v1/campaigns/spring-savings-2027', 'demo-channel', { campaign: spring() })).status).toBe(403);
      expect((await call('POST', '/v1/campaigns/spring-savings-2027/retire', 'demo-content-reviewer', {})).status).toBe(403);
    });

    it('answers 400 naming the field and the rule', async () => {
      const refused = async (campaign: unknown) => {
        const answer = await call('POST', '/v1/campaigns', 'demo-rule-modeler', { campaign });
        expect(answer.status).toBe(400);
        return issues(answer.body);
      };
      expect(await refused(spring({ segment: 'no_such_feature > 3' }))).toEqual(['campaign.segment:unknown_feature']);
      expect(await refused(spring({ channel: 'web' }))).toEqual(['campaign.channel:outbound_channel']);
      expect(await refused(spring({ controlShare: 0.9 }))).toEqual(['campaign.controlShare:too_big']);
      expect(await refused(spring({ endsAt: '2027-02-01T00:00:00Z' }))).toEqual(['campaign.endsAt:after_start']);
      expect(await refused(spring({ goal: { event: { type: 'no_such_event' }, within: '7d' } }))).toEqual([expect.stringMatching(/^campaign\.goal\.event\.type:/)]);
      expect(await refused(spring({ variants: [{ id: 'x-variant', contentRef: 'never-approved-copy' }] }))).toEqual(['campaign.variants[0].contentRef:approved_content']);
      expect(await refused(spring({ audience: 5 }))).toEqual(['campaign:unrecognized_keys']);
      const extra = await call('POST', '/v1/campaigns', 'demo-rule-modeler', { campaign: spring(), surprise: true });
      expect([extra.status, issues(extra.body)]).toEqual([400, ['(root):unrecognized_keys']]);
      expect((await call('POST', '/v1/campaigns', 'demo-rule-modeler', { campaign: spring({ id: 'retention-winter-2026' }) })).status).toBe(409);
    });

    it('goes draft → review → active, refuses four-eyes violations, versions edits and audits every step', async () => {
      const created = await call('POST', '/v1/campaigns', 'demo-rule-modeler', { campaign: spring(), reason: 'spring plan' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ campaignId: 'spring-savings-2027', version: 1, status: 'draft', authorId: expect.any(String), approvedBy: null });
      expect((await call('POST', '/v1/campaigns/spring-savings-2027/approve', 'demo-admin', {})).status).toBe(409);
      expect((await call('POST', '/v1/campaigns/spring-savings-2027/submit', 'demo-rule-modeler', {})).body).toMatchObject({ status: 'review' });
      // Four eyes: the author may not approve, nor may whoever edited the version last.
      const own = await call('POST', '/v1/campaigns/spring-savings-2027/approve', 'demo-rule-modeler', {});
      expect([own.status, (own.body as { message: string }).message]).toEqual([403, expect.stringContaining('four eyes')]);
      expect((await call('PUT', '/v1/campaigns/spring-savings-2027', 'demo-admin', { campaign: spring({ maxAudience: 800 }) })).body).toMatchObject({ version: 1, status: 'draft', campaign: { maxAudience: 800 } });
      expect((await call('POST', '/v1/campaigns/spring-savings-2027/submit', 'demo-admin', {})).status).toBe(200);
      expect((await call('POST', '/v1/campaigns/spring-savings-2027/approve', 'demo-admin', {})).status).toBe(403);
      const approved = await call('POST', '/v1/campaigns/spring-savings-2027/approve', 'demo-rule-modeler', { reason: 'checked the segment' });
      // Nor the rule modeler: the admin edited it last, but the rule modeler is still its author.
      expect(approved.status).toBe(403);
      // A version written and edited by the admin only can be approved by the rule modeler.
      const other = await call('POST', '/v1/campaigns', 'demo-admin', { campaign: spring({ id: 'spring-advisor-2027' }) });
      expect(other.status).toBe(201);
      expect((await call('POST', '/v1/campaigns/spring-advisor-2027/submit', 'demo-admin', {})).status).toBe(200);
      const active = await call('POST', '/v1/campaigns/spring-advisor-2027/approve', 'demo-rule-modeler', { reason: 'segment checked' });
      expect(active.body).toMatchObject({ status: 'active', version: 1, approvedBy: expect.any(String) });
      // Editing an active campaign opens version 2; the active version keeps running until it is approved.
      expect((await call('PUT', '/v1/campaigns/spring-advisor-2027', 'demo-admin', { campaign: spring({ id: 'spring-advisor-2027', maxAudience: 500 }) })).body).toMatchObject({ version: 2, status: 'draft' });
      const versions = await call('GET', '/v1/campaigns/spring-advisor-2027/versions', 'demo-data-scientist');
      expect((versions.body as { items: { version: number; status: string }[] }).items.map((v) => `${v.version}:${v.status}`)).toEqual(['2:draft', '1:active']);
      expect((await call('POST', '/v1/campaigns/spring-advisor-2027/retire', 'demo-rule-modeler', { reason: 'budget cut' })).body).toMatchObject({ version: 1, status: 'retired' });
      expect((await call('POST', '/v1/campaigns/spring-advisor-2027/retire', 'demo-rule-modeler', {})).status).toBe(409);
      expect((await call('GET', '/v1/campaigns/no-such-campaign/versions', 'demo-rule-modeler')).status).toBe(404);
      // The list reads the version table on each call: what was authored shows at once, no restart.
      const listed = (await call('GET', '/v1/campaigns', 'demo-content-author')).body as { items: { id: string; source?: string; version?: number; lifecycle?: string; channels: string[] }[] };
      expect(listed.items.filter((item) => item.source === 'authored')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: 'spring-advisor-2027', version: 2, lifecycle: 'draft', channels: ['email'] }),
          expect.objectContaining({ id: 'spring-savings-2027', version: 1, lifecycle: 'review' }),
        ]),
      );

      const page = await runtime.audit.service.list({ kind: 'campaign_changed' }, undefined, 100);
      const steps = page.records.map((record) => {
        const output = record.output as { campaignId: string; version: number; transition: string };
        return `${output.campaignId}@${output.version}:${output.transition}`;
      });
      expect(steps).toEqual(
        expect.arrayContaining([
          'spring-savings-2027@1:created',
          'spring-savings-2027@1:submitted',
          'spring-savings-2027@1:edited',
          'spring-advisor-2027@1:approved',
          'spring-advisor-2027@2:edited',
          'spring-advisor-2027@1:retired',
        ]),
      );
      const approval = page.records.find((record) => (record.output as { transition: string }).transition === 'approved');
      expect(approval).toMatchObject({ actor: { type: 'principal', role: 'rule-modeler' }, reasons: ['campaign_approved', 'four_eyes_checked'] });
      expect(JSON.stringify(page.records)).not.toContain('cmp-e2e');
    });

    it('simulates a draft over a simulated population before anyone approves it: counts per day and channel, no customer ids', async () => {
      const draft = spring({ id: 'spring-simulated-2027', segment: 'logins_count_30d >= 1', startsAt: '2000-01-01T00:00:00Z', endsAt: '2028-01-01T00:00:00Z', maxAudience: 40 });
      expect((await call('POST', '/v1/campaigns', 'demo-rule-modeler', { campaign: draft })).status).toBe(201);
      // The population's history reaches back to account openings years ago: the run covers every day with events.
      const body = { source: { kind: 'population', seed: 7, customers: 80, days: 10, startDate: '2026-06-01' }, limits: { maxCustomers: 5_000, maxEvents: 200_000, maxDays: 366 } };
      expect((await call('POST', '/v1/campaigns/spring-simulated-2027/simulate', 'demo-channel', body)).status).toBe(403);
      expect(issues((await call('POST', '/v1/campaigns/spring-simulated-2027/simulate', 'demo-rule-modeler', { source: { kind: 'everything' } })).body)).toEqual(['source.kind:invalid_union']);
      const answer = await call('POST', '/v1/campaigns/spring-simulated-2027/simulate', 'demo-data-scientist', body);
      expect(answer.status).toBe(200);
      const report = answer.body as {
        status: string;
        channel: string;
        customersHit: number;
        audience: { customers: number; wouldFill: boolean };
        customerDays: { contacted: number; control: number };
        byChannel: Record<string, { hit: number }>;
        days: { date: string; customersHit: number; byChannel: Record<string, number> }[];
      };
      expect(report).toMatchObject({ status: 'draft', channel: 'email', source: 'population' });
      expect(report.customersHit).toBeGreaterThan(0);
      expect(report.audience.customers).toBe(report.customersHit);
      expect(report.audience.wouldFill).toBe(report.customersHit >= 40);
      expect(Object.keys(report.byChannel)).toEqual(['email']);
      expect(report.customerDays.contacted).toBeGreaterThan(report.customerDays.control);
      expect(report.days.length).toBeGreaterThan(1);
      expect(report.days.every((day) => Object.keys(day).sort().join() === 'byChannel,customersEvaluated,customersHit,date,outcomes')).toBe(true);
      expect(JSON.stringify(report)).not.toMatch(/customerId|"c-?[0-9]/);
      // The same draft outside its schedule reaches no one.
      const late = await call('POST', '/v1/campaigns/spring-simulated-2027/simulate', 'demo-rule-modeler', { ...body, source: { ...body.source, startDate: '2028-02-01' } });
      expect((late.body as { customersHit: number }).customersHit).toBe(0);
    });
  });
});
