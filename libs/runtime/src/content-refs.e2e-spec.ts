import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@kairos/config';
import { createLogger } from '@kairos/observability';
import { requestJson } from '@kairos/testing';
import { ContentRefsWiringModule } from './content-refs-wiring.module';
import { createHttpApp } from './create-http-app';
import { KairosRuntime } from './kairos-runtime';
import { PLATFORM_FEATURES } from './platform-features';

type Json = Record<string, unknown>;
const DAY = 86_400_000;
const REF = 'card-unlock-prompt';

let dataDir: string;
let runtime: KairosRuntime;
let app: NestFastifyApplication;
let baseUrl: string;
const call = (method: string, path: string, apiKey: string, body?: unknown) => requestJson(baseUrl, method, path, { apiKey, ...(body === undefined ? {} : { body }) }) as Promise<{ status: number; body: Json }>;

/** The embedded platform with the content refs routes, on the suite's data directory (kept across restarts). */
async function openPlatform(): Promise<void> {
  runtime = await KairosRuntime.open(loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false', LOG_LEVEL: 'silent' }), createLogger({ level: 'silent' }));
  await runtime.startWorker();
  app = await createHttpApp(runtime, [...PLATFORM_FEATURES, ContentRefsWiringModule]);
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
}

async function closePlatform(): Promise<void> {
  await app?.close();
  await runtime?.close();
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kairos-content-refs-'));
  await openPlatform();
}, 60_000);

afterAll(async () => {
  await closePlatform();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A draft by the content author, submitted; approved by the reviewer unless `approve` is false. */
async function draft(approve: boolean, validUntil?: string): Promise<{ draftId: string; contentHash: string }> {
  const brief = { title: 'Unlock your card', goal: 'Tell the customer how to unlock the card', product: 'debit_card', audience: 'Existing customers', channels: ['sms'], tone: 'neutral', language: 'en' };
  const created = await call('POST', '/v1/content-drafts', 'demo-content-author', { brief, drafter: 'template' });
  expect(created.status).toBe(201);
  const draftId = created.body['draftId'] as string;
  const contentHash = (created.body['head'] as Json)['contentHash'] as string;
  expect((await call('POST', `/v1/content-drafts/${draftId}/submit`, 'demo-content-author', { revision: 1 })).status).toBe(200);
  if (approve) {
    const approved = await call('POST', `/v1/content-drafts/${draftId}/approve`, 'demo-content-reviewer', { contentHash, ...(validUntil ? { validUntil } : {}) });
    expect(approved.status).toBe(200);
  }
  return { draftId, contentHash };
}

let eventSeq = 0;
const event = (customerId: string, type: string, data: Json, daysAgo: number): Json => ({
  id: `cref-e2e-${++eventSeq}`,
  type,
  customerId,
  occurredAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
  source: 'core-banking',
  data,
});

/** A customer whose card was just locked after three failed PINs: the IVR's card-unlock scenario. */
async function lockedCard(customerId: string): Promise<void> {
  const reply = await call('POST', '/v1/events', 'demo-channel', {
    events: [
      event(customerId, 'customer_registered', { birthDate: '1985-03-03', country: 'DE', language: 'de', timeZone: 'Europe/Berlin' }, 900),
      event(customerId, 'product_opened', { product: 'checking_account', productId: `ca-${customerId}` }, 800),
      ...[1, 2, 3].map(() => event(customerId, 'atm_pin_failed', { cardId: 'card-1', atmId: 'atm-7' }, 0.01)),
      event(customerId, 'card_locked', { cardId: 'card-1', reason: 'pin_attempts_exceeded' }, 0.005),
    ],
  });
  expect(reply.status).toBe(202);
}

async function cardUnlock(customerId: string): Promise<{ content: Json | null; reasons: string[] }> {
  const reply = await call('POST', '/v1/decisions', 'demo-channel-ivr', { customerId, channel: 'ivr' });
  expect(reply.status).toBe(200);
  const action = (reply.body['actions'] as Json[]).find((a) => a['actionId'] === 'card-unlock');
  const reasons = (reply.body['suppressed'] as { actionId: string; reasons: string[] }[]).filter((s) => s.actionId === 'card-unlock').flatMap((s) => s.reasons);
  return { content: (action?.['content'] as Json | undefined) ?? null, reasons };
}

const refItem = async (ref: string): Promise<Json> => {
  const reply = await call('GET', '/v1/content-refs', 'demo-content-reviewer');
  expect(reply.status).toBe(200);
  return (reply.body['items'] as Json[]).find((item) => item['ref'] === ref)!;
};

describe('content ref bindings over HTTP (issue 5)', () => {
  let bound: { draftId: string; contentVersion: string };

  it('lists every catalog content ref with its users; an unbound ref serves nothing and suppresses its action', async () => {
    const item = await refItem(REF);
    expect(item).toMatchObject({ ref: REF, draftId: null, version: 0, servable: null, usedBy: [{ actionId: 'card-unlock', campaignId: null, variantId: null }] });
    const all = (await call('GET', '/v1/content-refs', 'demo-content-author')).body['items'] as Json[];
    expect(all.some((i) => (i['usedBy'] as Json[]).some((use) => use['variantId'] !== null))).toBe(true);
    await lockedCard('c-ref');
    const decision = await cardUnlock('c-ref');
    expect(decision.content).toBeNull();
    expect(decision.reasons.some((reason) => reason.includes(`content_not_approved:${REF}`))).toBe(true);
  });

  it('only content reviewers bind (403), only known refs (404), only approved drafts (409), with a valid body (400)', async () => {
    const { draftId } = await draft(false);
    for (const key of ['demo-content-author', 'demo-admin', 'demo-channel-ivr', 'demo-rule-modeler']) expect((await call('PUT', `/v1/content-refs/${REF}`, key, { draftId })).status).toBe(403);
    const unknown = await call('PUT', '/v1/content-refs/no-such-ref', 'demo-content-reviewer', { draftId });
    expect(unknown.status).toBe(404);
    expect(unknown.body['issues']).toEqual([expect.objectContaining({ path: 'ref', rule: 'unknown_content_ref' })]);
    const unapproved = await call('PUT', `/v1/content-refs/${REF}`, 'demo-content-reviewer', { draftId });
    expect(unapproved.status).toBe(409);
    expect(unapproved.body['issues']).toEqual([expect.objectContaining({ path: 'draftId', rule: 'not_approved' })]);
    const missing = await call('PUT', `/v1/content-refs/${REF}`, 'demo-content-reviewer', { draftId: 'cd-missing' });
    expect(missing.status).toBe(404);
    expect(missing.body['issues']).toEqual([expect.objectContaining({ path: 'draftId', rule: 'not_found' })]);
    const extra = await call('PUT', `/v1/content-refs/${REF}`, 'demo-content-reviewer', { draftId, ttl: 3 });
    expect(extra.status).toBe(400);
    expect(extra.body['issues']).toEqual([expect.objectContaining({ rule: 'unrecognized_keys', message: expect.stringContaining('ttl') })]);
    expect((await refItem(REF))['draftId']).toBeNull();
  });

  it('a reviewer binds an approved draft: audited, and the next decision serves it and names the revision', async () => {
    const { draftId } = await draft(true);
    const reply = await call('PUT', `/v1/content-refs/${REF}`, 'demo-content-reviewer', { draftId, version: 0 });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ ref: REF, draftId, version: 1, boundBy: expect.any(String), servable: { draftId, revision: 1, contentVersion: expect.stringMatching(new RegExp(`^${draftId}@1#sha256:`)) } });
    bound = { draftId, contentVersion: (reply.body['servable'] as Json)['contentVersion'] as string };
    const stale = await call('PUT', `/v1/content-refs/${REF}`, 'demo-content-reviewer', { draftId, version: 0 });
    expect(stale.status).toBe(409);
    expect(stale.body['issues']).toEqual([expect.objectContaining({ path: 'version', rule: 'concurrent_update' })]);

    const audit = await runtime.audit.service.list({ kind: 'content_approved' }, undefined, 100);
    const record = audit.records.find((r) => (r.output as Json | undefined)?.['contentRef'] === REF);
    expect(record).toMatchObject({ actor: { type: 'principal', role: 'content-reviewer' }, logic: { contentVersion: bound.contentVersion }, output: { draftId, bindingVersion: 1, actionIds: ['card-unlock'] } });

    const decision = await cardUnlock('c-ref');
    expect(decision.content).toMatchObject({ ref: REF, version: bound.contentVersion });
  });

  it('the binding survives a restart on the same data directory', async () => {
    await closePlatform();
    await openPlatform();
    expect(await refItem(REF)).toMatchObject({ draftId: bound.draftId, version: 1, servable: { contentVersion: bound.contentVersion } });
    expect((await cardUnlock('c-ref')).content).toMatchObject({ ref: REF, version: bound.contentVersion });
  }, 60_000);

  it('a retired draft stops serving at once: the action is suppressed for content, and it cannot be bound again', async () => {
    const retired = await call('POST', `/v1/content-drafts/${bound.draftId}/retire`, 'demo-content-reviewer', { reason: 'Product terms changed' });
    expect(retired.status).toBe(200);
    const decision = await cardUnlock('c-ref');
    expect(decision.content).toBeNull();
    expect(decision.reasons.some((reason) => reason.includes(`content_not_approved:${REF}`))).toBe(true);
    expect((await refItem(REF))['servable']).toBeNull();
    const again = await call('PUT', `/v1/content-refs/${REF}`, 'demo-content-reviewer', { draftId: bound.draftId });
    expect(again.status).toBe(409);
    expect(again.body['issues']).toEqual([expect.objectContaining({ path: 'draftId', rule: 'retired' })]);
  });

  it('an approval that expires stops serving when it expires, and an expired draft cannot be bound', async () => {
    const validUntilMs = Date.now() + 3_000;
    const { draftId } = await draft(true, new Date(validUntilMs).toISOString());
    const reply = await call('PUT', `/v1/content-refs/${REF}`, 'demo-content-reviewer', { draftId });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ draftId, version: 2 });
    // Wait until the approval's end has certainly passed (the catalog compares decision time >= validUntil).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, validUntilMs - Date.now()) + 50));
    const decision = await cardUnlock('c-ref');
    expect(decision.content).toBeNull();
    expect(decision.reasons.some((reason) => reason.includes(`content_not_approved:${REF}`))).toBe(true);
    const expired = await call('PUT', `/v1/content-refs/${REF}`, 'demo-content-reviewer', { draftId });
    expect(expired.status).toBe(409);
    expect(expired.body['issues']).toEqual([expect.objectContaining({ path: 'draftId', rule: 'approval_expired' })]);
  });
});
