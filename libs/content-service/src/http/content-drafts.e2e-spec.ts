import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { AbilityFactory, AccessModule, ApiKeyService, DEMO_API_KEYS, InMemoryApiKeyStore, collectRoutePermissions, loadPolicyFile, type Role } from '@kairos/access';
import { createLogger } from '@kairos/observability';
import { HttpErrorFilter } from '@kairos/http-edge';
import { useFreshDatabase } from '@kairos/testing';
import { ContentModule } from '../content.module';
import { ContentCatalog } from '../review/content-catalog.service';
import { contentHarness, type ContentHarness } from '../testing/content-harness';
import { FakeOpenAiServer } from '../testing/fake-openai-server';
import { CANARY_PII, answerOf, compliantVariants, promptInputOf } from '../testing/model-answers';
import { invalidBodies, WRITE_ENDPOINTS } from '../testing/malformed-requests';

const P1_RUNS = Number(process.env['KAIROS_P1_RUNS'] ?? 2_000);
const BRIEF = { title: 'Karte aktivieren', goal: 'An die erste Nutzung erinnern', product: 'debit_card', audience: 'Neukunden ohne Umsatz', channels: ['email', 'sms'], tone: 'friendly', language: 'de' };

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

describe('/v1/content-drafts over a real socket with the access guard', () => {
  const database = useFreshDatabase('sqlite');
  let harness: ContentHarness;
  let fake: FakeOpenAiServer;
  let app: NestFastifyApplication;
  let baseUrl: string;
  const keys = {} as Record<'author1' | 'author2' | 'reviewer1' | 'reviewer2' | 'admin' | 'dpo' | 'channel', { key: string; id: string }>;

  beforeAll(async () => {
    fake = await FakeOpenAiServer.start();
    harness = contentHarness(database.dataSource(), { llmBaseUrl: fake.baseUrl, breakerFailureThreshold: 10_000 });
    @Module({
      imports: [
        AccessModule.forRoot({ apiKeyStore: new InMemoryApiKeyStore(), devMode: true, nodeEnv: 'development', pepper: 'content-e2e-pepper-0123456789' }),
        ContentModule.forRootAsync({ useFactory: () => harness.options }),
      ],
    })
    class ContentE2eModule {}
    app = await NestFactory.create<NestFastifyApplication>(ContentE2eModule, new FastifyAdapter({ bodyLimit: 1_048_576 }), { logger: false });
    app.useGlobalFilters(new HttpErrorFilter(createLogger({ level: 'silent' })));
    app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const issuer = app.get(ApiKeyService);
    const issue = async (name: keyof typeof keys, role: Role) => {
      const issued = await issuer.issue({ role, label: name, ...(role === 'channel' ? { channel: 'web' as const } : {}) });
      keys[name] = { key: issued.plaintext, id: issued.principal.id };
    };
    await issue('author1', 'content-author');
    await issue('author2', 'content-author');
    await issue('reviewer1', 'content-reviewer');
    await issue('reviewer2', 'content-reviewer');
    await issue('admin', 'admin');
    await issue('dpo', 'dpo');
    await issue('channel', 'channel');
  });

  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  async function call(method: string, path: string, as: keyof typeof keys | string | null, body?: unknown, raw?: { text: string; contentType?: string }): Promise<Reply> {
    const key = as === null ? undefined : (keys[as as keyof typeof keys]?.key ?? as);
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}) };
    let payload: string | undefined;
    if (raw) {
      payload = raw.text;
      headers['content-type'] = raw.contentType ?? 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = {};
    }
    return { status: response.status, body: parsed, text };
  }

  const create = async (as: keyof typeof keys = 'author1', brief: object = BRIEF, drafter = 'template') => {
    const reply = await call('POST', '/v1/content-drafts', as, { brief, drafter });
    expect(reply.status).toBe(201);
    return reply.body as { draftId: string; head: { contentHash: string; revision: number; content: { variants: { channel: string; text?: string }[] } } };
  };

  it('guards every content route, and the type-level answer matches the policy for every role (demo keys)', async () => {
    const routes = collectRoutePermissions(app).filter((route) => route.path.startsWith('/v1/content-drafts'));
    expect(routes.map((route) => `${route.method} ${route.path}`).sort()).toEqual([
      'GET /v1/content-drafts',
      'GET /v1/content-drafts/:draftId',
      'PATCH /v1/content-drafts/:draftId',
      'POST /v1/content-drafts',
      'POST /v1/content-drafts/:draftId/approve',
      'POST /v1/content-drafts/:draftId/reject',
      'POST /v1/content-drafts/:draftId/request-changes',
      'POST /v1/content-drafts/:draftId/retire',
      'POST /v1/content-drafts/:draftId/submit',
    ]);
    expect(routes.every((route) => route.permission !== null && route.handler !== null)).toBe(true);
    const abilities = new AbilityFactory(loadPolicyFile());
    const mismatches: string[] = [];
    let tried = 0;
    for (const route of routes) {
      const path = route.path.replace(':draftId', 'cd-unknown');
      for (const demo of DEMO_API_KEYS) {
        const principal = { id: demo.principalId, role: demo.role, kind: 'api-key' as const, ...(demo.channel ? { channel: demo.channel } : {}) };
        const allowed = abilities.abilityFor(principal).can(route.permission!.action, route.permission!.subject);
        const reply = await call(route.method, path, demo.key, route.method === 'GET' ? undefined : {});
        tried++;
        const denied = reply.status === 401 || reply.status === 403;
        if (allowed === denied || (!allowed && reply.status !== 403)) mismatches.push(`${route.method} ${route.path} ${demo.key}: ${reply.status}`);
      }
      const anonymous = await call(route.method, path, null, route.method === 'GET' ? undefined : {});
      tried++;
      if (anonymous.status !== 401) mismatches.push(`${route.method} ${route.path} anonymous: ${anonymous.status}`);
    }
    expect(mismatches).toEqual([]);
    process.stdout.write(`Z1 (content routes): ${tried} tried, ${tried} held\n`);
  });

  it('runs the whole review over HTTP: brief → draft → submit → approve → edit (diff) → resubmit → approve → retire', async () => {
    const draft = await create('author1');
    const viewed = await call('GET', `/v1/content-drafts/${draft.draftId}`, 'reviewer1');
    expect(viewed.status).toBe(200);
    expect(viewed.body).toEqual(
      expect.objectContaining({
        status: 'draft',
        brief: expect.objectContaining({ title: BRIEF.title, goal: BRIEF.goal }),
        drafted: expect.objectContaining({ kind: 'template', templateBased: true, modelId: 'kairos-template-drafter', promptVersion: expect.any(String) }),
        head: expect.objectContaining({ revision: 1, findings: expect.any(Array), blocking: false }),
      }),
    );
    expect((await call('POST', `/v1/content-drafts/${draft.draftId}/submit`, 'author1', { revision: 1 })).status).toBe(200);
    const approved = await call('POST', `/v1/content-drafts/${draft.draftId}/approve`, 'reviewer1', { contentHash: draft.head.contentHash, reason: 'ok' });
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual(expect.objectContaining({ status: 'approved', live: expect.objectContaining({ revision: 1, approverId: keys.reviewer1.id }) }));
    const catalog = app.get(ContentCatalog);
    await expect(catalog.servableRevision(draft.draftId, harness.clock.now())).resolves.toEqual(expect.objectContaining({ contentHash: draft.head.contentHash }));

    const variants = draft.head.content.variants.map((variant) => (variant.channel === 'sms' ? { ...variant, text: `${variant.text} Neu.` } : variant));
    const edited = await call('PATCH', `/v1/content-drafts/${draft.draftId}`, 'author1', { baseRevision: 1, body: variants, reason: 'shorter' });
    expect(edited.status).toBe(200);
    expect(edited.body).toEqual(expect.objectContaining({ status: 'draft', diff: expect.objectContaining({ fromRevision: 1, toRevision: 2, fields: [expect.objectContaining({ channel: 'sms', change: 'changed' })] }) }));
    const newHash = (edited.body['head'] as { contentHash: string }).contentHash;
    await expect(catalog.assertSendable(draft.draftId, newHash, harness.clock.now())).rejects.toThrow();
    const history = await call('GET', `/v1/content-drafts/${draft.draftId}?diffFrom=1`, 'reviewer2');
    expect((history.body['history'] as { type: string }[]).map((entry) => entry.type)).toEqual(['draft_created', 'revision_added', 'submitted', 'approved', 'revision_added']);
    expect((await call('POST', `/v1/content-drafts/${draft.draftId}/submit`, 'author1', { revision: 2 })).status).toBe(200);
    expect((await call('POST', `/v1/content-drafts/${draft.draftId}/approve`, 'reviewer2', { contentHash: newHash })).status).toBe(200);
    await expect(catalog.assertSendable(draft.draftId, newHash, harness.clock.now())).resolves.toEqual(expect.objectContaining({ revision: 2 }));
    const retired = await call('POST', `/v1/content-drafts/${draft.draftId}/retire`, 'reviewer1', { reason: 'campaign over' });
    expect(retired.body).toEqual(expect.objectContaining({ status: 'retired', live: null }));
    await expect(catalog.servableRevision(draft.draftId, harness.clock.now())).resolves.toBeNull();
  });

  it('enforces four eyes and ownership on instances: 403 for the author, the admin, the last editor and another author', async () => {
    const draft = await create('author1');
    const reviewerEdit = draft.head.content.variants.map((variant) => (variant.channel === 'sms' ? { ...variant, text: `${variant.text} Jetzt.` } : variant));
    expect((await call('PATCH', `/v1/content-drafts/${draft.draftId}`, 'reviewer1', { baseRevision: 1, body: reviewerEdit })).status).toBe(200);
    expect((await call('PATCH', `/v1/content-drafts/${draft.draftId}`, 'author2', { baseRevision: 2, body: draft.head.content.variants })).status).toBe(403);
    const submitted = await call('POST', `/v1/content-drafts/${draft.draftId}/submit`, 'author1', { revision: 2 });
    const hash = (submitted.body['head'] as { contentHash: string }).contentHash;
    for (const who of ['author1', 'admin', 'reviewer1', 'dpo'] as const) {
      const reply = await call('POST', `/v1/content-drafts/${draft.draftId}/approve`, who, { contentHash: hash });
      expect([who, reply.status, reply.body['error']]).toEqual([who, 403, 'FORBIDDEN']);
    }
    expect((await call('POST', `/v1/content-drafts/${draft.draftId}/approve`, 'reviewer2', { contentHash: `sha256:${'0'.repeat(64)}` })).status).toBe(409);
    expect((await call('POST', `/v1/content-drafts/${draft.draftId}/approve`, 'reviewer2', { contentHash: hash })).status).toBe(200);
  });

  it('shows every finding to the reviewer and refuses to submit a draft with blocking findings', async () => {
    fake.respondWith((request) => {
      const variants = compliantVariants(promptInputOf(request), harness.policy).map((variant) => (variant.channel === 'sms' ? { ...variant, text: `${variant.text} Garantiert risikofrei!` } : variant));
      return { kind: 'answer', content: answerOf(variants) };
    });
    const draft = await create('author1', BRIEF, 'llm');
    const view = await call('GET', `/v1/content-drafts/${draft.draftId}`, 'reviewer1');
    const findings = (view.body['head'] as { findings: { ruleId: string; severity: string; channel?: string }[] }).findings;
    expect(findings).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: 'claims.guaranteed_returns', severity: 'blocking', channel: 'sms' }), expect.objectContaining({ ruleId: 'claims.risk_free', severity: 'blocking' })]));
    const submit = await call('POST', `/v1/content-drafts/${draft.draftId}/submit`, 'author1', { revision: 1 });
    expect(submit.status).toBe(409);
    expect(submit.body['issues']).toEqual([expect.objectContaining({ rule: 'blocking_findings' })]);
    const queue = await call('GET', '/v1/content-drafts?hasBlockingFindings=true&channel=sms&limit=5', 'reviewer1');
    expect((queue.body['items'] as { draftId: string }[]).map((item) => item.draftId)).toContain(draft.draftId);
  });

  it('answers a failing model with 503 and stores nothing, or falls back to the template drafter and says so', async () => {
    fake.respondWith(() => ({ kind: 'status', status: 500 }));
    const before = await harness.repository.counts();
    const failed = await call('POST', '/v1/content-drafts', 'author1', { brief: BRIEF, drafter: 'llm' });
    expect(failed.status).toBe(503);
    expect(failed.text).toContain('provider_error');
    await expect(harness.repository.counts()).resolves.toEqual(before);
    const fallback = await call('POST', '/v1/content-drafts', 'author1', { brief: BRIEF, drafter: 'auto' });
    expect(fallback.status).toBe(201);
    expect(fallback.body['drafted']).toEqual(expect.objectContaining({ kind: 'template', fallbackReason: 'provider_error' }));
  });

  it('never echoes personal data from a refused brief (G8)', async () => {
    const reply = await call('POST', '/v1/content-drafts', 'author1', { brief: { ...BRIEF, audience: `Kunden wie ${CANARY_PII.email} und ${CANARY_PII.iban}`, title: CANARY_PII.lastName.repeat(10) } });
    expect(reply.status).toBe(400);
    for (const canary of Object.values(CANARY_PII)) expect(reply.text).not.toContain(canary);
  });

  it(`P1: ${P1_RUNS} malformed payloads per write endpoint are all answered 4xx with field and rule, store nothing and leak nothing`, async () => {
    const seeded = await create('author1');
    await call('POST', `/v1/content-drafts/${seeded.draftId}/submit`, 'author1', { revision: 1 });
    const before = await harness.repository.counts();
    const summary: string[] = [];
    for (const endpoint of WRITE_ENDPOINTS) {
      const samples = fc.sample(invalidBodies(endpoint.kind), { numRuns: P1_RUNS, seed: 4711 });
      const bad: string[] = [];
      const statuses = new Map<number, number>();
      for (let i = 0; i < samples.length; i += 16) {
        const batch = samples.slice(i, i + 16);
        const replies = await Promise.all(
          batch.map((sample) => {
            const path = endpoint.path.replace(':draftId', sample.draftId ?? seeded.draftId);
            return call(endpoint.method, path, endpoint.as, undefined, { text: sample.text, ...(sample.contentType ? { contentType: sample.contentType } : {}) });
          }),
        );
        replies.forEach((reply, index) => {
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          const ok = reply.status >= 400 && reply.status < 500 && [400, 403, 404, 413, 414, 415, 422].includes(reply.status);
          const named = reply.status !== 400 || Array.isArray(reply.body['issues']) || typeof reply.body['message'] === 'string';
          const leaks = /\bat .+:\d+:\d+\)?/.test(reply.text) || Object.values(CANARY_PII).some((canary) => reply.text.includes(canary));
          if (!ok || !named || leaks || typeof reply.body['error'] !== 'string') bad.push(`${reply.status} ${batch[index].label}: ${reply.text.slice(0, 200)}`);
        });
      }
      expect([endpoint.name, bad.slice(0, 5)]).toEqual([endpoint.name, []]);
      summary.push(`${endpoint.name} ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')}`);
    }
    await expect(harness.repository.counts()).resolves.toEqual(before);
    await expect(call('GET', `/v1/content-drafts/${seeded.draftId}`, 'reviewer1')).resolves.toEqual(expect.objectContaining({ status: 200, body: expect.objectContaining({ status: 'in_review' }) }));
    process.stdout.write(`P1 (content): ${WRITE_ENDPOINTS.length * P1_RUNS} tried, ${WRITE_ENDPOINTS.length * P1_RUNS} held, 0 5xx, 0 rows stored [${summary.join('; ')}]\n`);
  });
});
