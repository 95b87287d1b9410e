import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessModule, InMemoryApiKeyStore, collectRoutePermissions } from '@kairos/access';
import { IngestionHttpModule, IngestionService } from '@kairos/ingestion';
import { createLogger } from '@kairos/observability';
import { HttpErrorFilter } from '@kairos/http-edge';
import { requestJson } from '@kairos/testing';
import { CustomerErasureService } from './customer-erasure.service';
import { ErasureHttpModule } from './erasure-http.module';
import { CANARY, ErasureStack, canaryRegistration, openErasureStack } from './erasure-test-support';

/** POST /v1/customers/:id/erasure over a real socket: permissions, validation, 200/202, idempotence, no PII in bodies. */
async function startApp(stack: ErasureStack): Promise<{ app: NestFastifyApplication; baseUrl: string }> {
  @Global()
  @Module({
    providers: [
      { provide: CustomerErasureService, useValue: stack.erasure },
      { provide: IngestionService, useValue: stack.ingestion },
    ],
    exports: [CustomerErasureService, IngestionService],
  })
  class StackModule {}

  @Module({
    imports: [StackModule, AccessModule.forRoot({ apiKeyStore: new InMemoryApiKeyStore(), devMode: true, pepper: 'x'.repeat(32) }), ErasureHttpModule, IngestionHttpModule],
  })
  class ErasureAppModule {}

  const app = await NestFactory.create<NestFastifyApplication>(ErasureAppModule, new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new HttpErrorFilter(createLogger({ level: 'silent' })));
  await app.listen(0, '127.0.0.1');
  return { app, baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

describe('POST /v1/customers/:customerId/erasure', () => {
  let stack: ErasureStack;
  let app: NestFastifyApplication;
  let baseUrl: string;
  const erase = (customerId: string, apiKey?: string, body?: unknown) => requestJson(baseUrl, 'POST', `/v1/customers/${customerId}/erasure`, { apiKey, body });

  beforeAll(async () => {
    // The worker starts later: until then the snapshot rewrite stays pending (202).
    stack = await openErasureStack('sqlite', { snapshotWaitMs: 200, startWorker: false });
    ({ app, baseUrl } = await startApp(stack));
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await stack.close();
  });

  it('declares its permission: create DataSubjectRequest', () => {
    const route = collectRoutePermissions(app).find((r) => r.path === '/v1/customers/:customerId/erasure');
    expect(route?.permission).toEqual({ action: 'create', subject: 'DataSubjectRequest' });
  });

  it('refuses callers without the permission and malformed requests, naming field and rule', async () => {
    expect((await erase('e2e-1')).status).toBe(401);
    expect((await erase('e2e-1', 'demo-channel')).status).toBe(403);
    expect((await erase('e2e-1', 'demo-rule-modeler')).status).toBe(403);
    const badReason = await erase('e2e-1', 'demo-dpo', { reason: `because ${CANARY.firstName} asked` });
    expect(badReason.status).toBe(400);
    expect(badReason.body).toMatchObject({ error: 'VALIDATION_FAILED', issues: [{ path: 'reason', rule: 'invalid_value' }] });
    expect(JSON.stringify(badReason.body)).not.toContain(CANARY.firstName);
    const extra = await erase('e2e-1', 'demo-dpo', { reason: 'objection', note: 'x' });
    expect(extra.body).toMatchObject({ issues: [{ rule: 'unrecognized_keys' }] });
    expect((await erase('bad%20id', 'demo-dpo')).body).toMatchObject({ issues: [{ path: 'customerId', rule: 'invalid_format' }] });
    await expect(stack.erasure.isErased('e2e-1')).resolves.toBe(false);
  });

  it('answers 202 while a step is pending, then 200 with the same receipt once it completed', async () => {
    await expect(stack.ingestion.ingest([canaryRegistration('e2e-2')])).resolves.toMatchObject({ accepted: 1 });
    const pending = await erase('e2e-2', 'demo-dpo', { reason: 'consent_withdrawn' });
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({ customerId: 'e2e-2', status: 'in_progress' });

    await stack.startWorker();
    await stack.caughtUp();
    const done = await erase('e2e-2', 'demo-admin');
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ requestId: (pending.body as { requestId: string }).requestId, status: 'completed' });
    const repeated = await erase('e2e-2', 'demo-dpo');
    expect(repeated).toMatchObject({ status: 200, body: done.body });
    // Requested by the dpo: the audit record names that principal, not the admin who completed it.
    expect(stack.audit.drafts.filter((d) => d.subject === 'e2e-2')).toEqual([expect.objectContaining({ actor: { type: 'principal', principalId: 'demo:dpo', role: 'dpo' } })]);
  });

  it('refuses new personal data for the erased customer without echoing it', async () => {
    const response = await requestJson(baseUrl, 'POST', '/v1/events', { apiKey: 'demo-channel', body: canaryRegistration('e2e-2', 'reg-after') });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ issues: [{ path: 'customerId', rule: 'customer_erased' }] });
    for (const value of Object.values(CANARY)) expect(JSON.stringify(response.body)).not.toContain(value);
  });
});
