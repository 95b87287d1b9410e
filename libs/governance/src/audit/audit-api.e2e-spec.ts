import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessModule, InMemoryApiKeyStore, collectRoutePermissions } from '@kairos/access';
import { sha256Hex, type AuditReceipt, type AuditRecordDraft } from '@kairos/audit';
import { createLogger } from '@kairos/observability';
import { HttpErrorFilter } from '@kairos/http-edge';
import { requestJson, useFreshDatabase } from '@kairos/testing';
import { SubjectBoundTestCipher } from '../data-subject-rights/reviews/cipher-test-support';
import { AuditHttpModule } from './audit-http.module';
import { openAuditLog, type AuditLog } from './open-audit-log';

function decision(n: number, overrides: Partial<AuditRecordDraft> = {}): AuditRecordDraft {
  return {
    kind: n % 4 === 0 ? 'action_suppressed' : 'decision_served',
    actor: { type: 'component', component: 'decisioning', version: '1.0.0' },
    subject: `cust-${n % 3}`,
    decisionId: `dec-${n}`,
    inputs: [{ feature: 'income_monthly', value: 2_000 + n }],
    reasons: n % 4 === 0 ? ['consent_missing:marketing:email'] : ['rule_matched:offers:r1'],
    counterfactuals: [{ feature: 'income_monthly', actual: 2_000 + n, threshold: 3_000, wouldResultIn: 'offer-gold' }],
    occurredAtMs: Date.parse('2026-11-01T00:00:00Z') + n * 60_000,
    ...overrides,
  };
}

/** The audit API over a real socket: SQLite tables, signed checkpoints, the access guard and the platform's error filter. */
describe('audit API', () => {
  const database = useFreshDatabase('sqlite');
  const cipher = new SubjectBoundTestCipher();
  let directory: string;
  let audit: AuditLog;
  let app: NestFastifyApplication;
  let baseUrl: string;
  const receipts: AuditReceipt[] = [];
  const get = (path: string, apiKey: string | null = 'demo-dpo') => requestJson(baseUrl, 'GET', path, apiKey === null ? {} : { apiKey });

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'kairos-audit-api-'));
    audit = openAuditLog({
      database: database.dataSource(),
      cipher,
      partitionCount: 3,
      signingKeyFile: join(directory, 'audit-signing-key.pem'),
      createSigningKey: true,
      checkpointDir: join(directory, 'checkpoints'),
    });
    receipts.push(...(await Promise.all(Array.from({ length: 30 }, (_, n) => audit.trail.append(decision(n))))));
    receipts.push(await audit.trail.append(decision(30, { subject: 'cust-letter', personalData: { salutation: 'Dear Ms Example' } })));
    receipts.push(await audit.trail.append(decision(31, { subject: 'cust-erased', personalData: { salutation: 'Dear Mr Gone' } })));
    cipher.shred('cust-erased');
    await audit.journal.checkpointNow();

    @Module({ imports: [AccessModule.forRoot({ apiKeyStore: new InMemoryApiKeyStore(), devMode: true, pepper: 'x'.repeat(32), nodeEnv: 'development' }), AuditHttpModule.forRoot(audit.service)] })
    class AuditApiTestModule {}
    app = await NestFactory.create<NestFastifyApplication>(AuditApiTestModule, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new HttpErrorFilter(createLogger({ level: 'silent' })));
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await audit?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('declares a permission on every audit route: verify needs verify, the rest read', () => {
    const routes = collectRoutePermissions(app).map((r) => `${r.method} ${r.path} ${r.permission?.action}:${r.permission?.subject}`);
    expect(routes.sort()).toEqual([
      'GET /v1/audit read:Audit',
      'GET /v1/audit/export read:Audit',
      'GET /v1/audit/records/:id/explanation read:Audit',
      'GET /v1/audit/verify verify:Audit',
    ]);
  });

  it('lets the DPO in; channels and data scientists get 403, no key 401', async () => {
    const id = receipts[0].id;
    for (const path of ['/v1/audit', '/v1/audit/export', '/v1/audit/verify', `/v1/audit/records/${id}/explanation`]) {
      expect((await get(path)).status).toBe(200);
      expect((await get(path, 'demo-admin')).status).toBe(200);
      for (const role of ['channel', 'data-scientist', 'rule-modeler', 'content-author']) {
        const denied = await get(path, `demo-${role}`);
        expect([path, role, denied.status]).toEqual([path, role, 403]);
      }
      expect((await get(path, null)).status).toBe(401);
    }
  });

  it('filters by customer, kind, decision and time and pages with a cursor', async () => {
    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await get(`/v1/audit?customerId=cust-1&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      const body = page.body as { records: { decisionId: string; subject: string; hash: string; occurredAt: string }[]; nextCursor?: string };
      all.push(...body.records.map((r) => r.decisionId));
      expect(body.records.every((r) => r.subject === 'cust-1')).toBe(true);
      cursor = body.nextCursor;
    } while (cursor !== undefined);
    expect(all).toEqual(Array.from({ length: 30 }, (_, n) => n).filter((n) => n % 3 === 1).map((n) => `dec-${n}`));

    const window = await get('/v1/audit?kind=action_suppressed&from=2026-11-01T00:10:00Z&to=2026-11-01T00:20:00%2B00:00');
    expect((window.body as { records: { decisionId: string }[] }).records.map((r) => r.decisionId)).toEqual(['dec-12', 'dec-16']);
    const one = await get('/v1/audit?decisionId=dec-30');
    expect(one.body).toEqual({ records: [expect.objectContaining({ decisionId: 'dec-30', hasPersonalData: true, occurredAt: '2026-11-01T00:30:00.000Z' })] });
    expect(JSON.stringify(one.body)).not.toContain('sealedPersonalData');
  });

  it('answers 400 naming the parameter for bad queries', async () => {
    const cases: [string, string, string][] = [
      ['/v1/audit?limit=501', 'limit', 'too_big'],
      ['/v1/audit?limit=0', 'limit', 'too_small'],
      ['/v1/audit?limit=ten', 'limit', 'invalid_format'],
      ['/v1/audit?kind=everything', 'kind', 'invalid_value'],
      ['/v1/audit?from=yesterday', 'from', 'invalid_format'],
      ['/v1/audit?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'to', 'custom'],
      ['/v1/audit?cursor=not-a-cursor', 'cursor', 'invalid_cursor'],
      ['/v1/audit?customerId=a&customerId=b', 'customerId', 'invalid_type'],
      ['/v1/audit?sort=desc', '(root)', 'unrecognized_keys'],
      ['/v1/audit/export?cursor=x', '(root)', 'unrecognized_keys'],
      [`/v1/audit/records/${receipts[0].id}/explanation?lang=fr`, 'lang', 'invalid_value'],
    ];
    for (const [path, field, rule] of cases) {
      const response = await get(path);
      expect([path, response.status, response.body]).toEqual([path, 400, expect.objectContaining({ error: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: field, rule })] })]);
    }
  });

  it('exports NDJSON with one verifiable record per line and a closing checksum', async () => {
    const response = await fetch(`${baseUrl}/v1/audit/export?customerId=cust-2`, { headers: { authorization: 'Bearer demo-dpo' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const text = await response.text();
    const lines = text.split('\n').slice(0, -1);
    const checksum = JSON.parse(lines.pop()!);
    const before = text.slice(0, text.lastIndexOf('{"checksum"'));
    expect(checksum).toEqual({ checksum: { algorithm: 'sha256', value: createHash('sha256').update(before).digest('hex'), count: 10 } });
    for (const line of lines) {
      const { hash, record } = JSON.parse(line) as { hash: string; record: { subject: string } };
      expect(record.subject).toBe('cust-2');
      expect(sha256Hex(line.slice(line.indexOf(',"record":') + 10, -1))).toBe(hash);
    }
  });

  it('verifies the chains and the signed checkpoints', async () => {
    const result = await get('/v1/audit/verify');
    expect(result).toEqual(expect.objectContaining({ status: 200, body: { ok: true, recordsVerified: 32, chains: 3, checkpointsVerified: 1, recordsAfterLastCheckpoint: 0 } }));
  });

  it('explains a record in German and English, opens personal data, and shows erased data as erased', async () => {
    const de = await get(`/v1/audit/records/${receipts[5].id}/explanation?lang=de`);
    expect(de.status).toBe(200);
    expect(de.body).toEqual(expect.objectContaining({ recordId: receipts[5].id, locale: 'de', summary: 'Sie sehen dieses Angebot, weil Regel r1 des Regelwerks „offers“ auf Ihre Situation zutraf.' }));
    expect((de.body as { text: string }).text).toContain('Wäre „income monthly“ 3.000 statt 2.005 gewesen, wäre das Ergebnis „offer-gold“ gewesen.');
    const en = await get(`/v1/audit/records/${receipts[4].id}/explanation`);
    expect((en.body as { summary: string }).summary).toBe('You did not receive this offer because you have not consented to marketing via e-mail.');

    const lines = async (id: string) => ((await get(`/v1/audit/records/${id}/explanation?lang=en`)).body as { sections: { topic: string; lines: string[] }[] }).sections.find((s) => s.topic === 'personal_data')!.lines;
    await expect(lines(receipts[30].id)).resolves.toEqual(['salutation: Dear Ms Example']);
    await expect(lines(receipts[31].id)).resolves.toEqual(['[erased – the personal data of this record were deleted]']);
    const missing = await get('/v1/audit/records/no-such-record/explanation');
    expect([missing.status, missing.body]).toEqual([404, expect.objectContaining({ error: 'NOT_FOUND' })]);
    expect((await get('/v1/audit/records/bad%20id!/explanation')).status).toBe(400);
  });
});
