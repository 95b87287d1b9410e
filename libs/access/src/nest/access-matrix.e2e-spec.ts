import { Body, Catch, Controller, Get, HttpCode, Module, Post, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { KairosError } from '@kairos/contracts';
import { assertCan, subjectOf } from '../ability/subject-instance';
import type { KairosAbility } from '../ability/kairos-ability';
import { ApiKeyService } from '../api-keys/api-key.service';
import { InMemoryApiKeyStore } from '../api-keys/in-memory-api-key-store';
import { ROLES, type Principal, type Role } from '../principal/access-vocabulary';
import { collectRoutePermissions, type RoutePermissionEntry } from '../routes/route-permissions';
import { AccessModule } from './access.module';
import type { DenialReason } from './access-options';
import { CurrentAbility, CurrentPrincipal } from './current-principal.decorator';
import { RequirePermission } from './require-permission.decorator';

/* ---------- a tiny app shaped like the platform: sample controllers, one forgotten route, one raw route ---------- */

@Controller()
class HealthController {
  @Get('health') @RequirePermission('read', 'Health') health() { return { status: 'ok' }; }
}

@Controller('v1')
class SampleApiController {
  @Post('events') @HttpCode(202) @RequirePermission('create', 'Event') ingest() { return { accepted: 1 }; }
  @Get('events/:id/trace') @RequirePermission('read', 'EventTrace') trace() { return { steps: [] }; }
  @Get('customers/:id/profile') @RequirePermission('read', 'Profile') profile() { return { features: {} }; }
  @Post('decisions') @RequirePermission('create', 'Decision')
  decide(@Body() body: { channel?: string }, @CurrentAbility() ability: KairosAbility, @CurrentPrincipal() principal: Principal) {
    // The guard only checked "create Decision" at type level; the channel condition needs the instance.
    assertCan(ability, 'create', subjectOf('Decision', { channel: body?.channel }));
    return { decisionId: 'd-1', by: principal.role };
  }
  @Get('audit') @RequirePermission('read', 'Audit') audit() { return { records: [] }; }
  @Post('api-keys') @RequirePermission('create', 'ApiKey') issueKey() { return { id: 'k' }; }
  @Post('content-drafts/:id/approve') @RequirePermission('approve', 'ContentDraft') approve() { return { approved: true }; }
  @Get('forgotten') forgotten() { return { leaked: true }; }
}

@Controller('v1/rule-sets')
@RequirePermission('read', 'RuleSet')
class RuleSetsController {
  @Get() list() { return []; }
  @Post(':id/deploy') @RequirePermission('deploy', 'RuleSet') deploy() { return { deployed: true }; }
}

/** Stand-in for the lead's global filter: KairosError → `{ error, message, issues }` with the code's status. */
@Catch(KairosError)
class KairosErrorFilter implements ExceptionFilter {
  catch(error: KairosError, host: ArgumentsHost) {
    host.switchToHttp().getResponse().status(error.status).send({ error: error.code, message: error.message, issues: error.issues });
  }
}

/** The policy table for these routes, written independently of roles.json: who gets 2xx. Everyone else gets 403. */
const EXPECTED: Record<string, readonly Role[]> = {
  'GET /health': ROLES,
  'POST /v1/events': ['channel', 'admin'],
  'GET /v1/events/:id/trace': ['rule-modeler', 'dpo', 'admin'],
  'GET /v1/customers/:id/profile': ['dpo', 'admin'],
  'POST /v1/decisions': ['channel', 'admin'],
  'GET /v1/audit': ['dpo', 'admin'],
  'POST /v1/api-keys': ['admin'],
  'POST /v1/content-drafts/:id/approve': ['content-reviewer'],
  'GET /v1/rule-sets': ['rule-modeler', 'data-scientist', 'admin'],
  'POST /v1/rule-sets/:id/deploy': ['rule-modeler', 'admin'],
};

const ISSUER = 'https://idp.test/realms/kairos';
const AUDIENCE = 'kairos-api';
const PEPPER = 'e2e-pepper-0123456789abcdef';

interface RunningApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  readonly denials: Array<{ principal: Principal | null; route: string; reason: DenialReason }>;
}

async function startApp(options: { devMode: boolean; nodeEnv: string; store: InMemoryApiKeyStore; publicKey: CryptoKey }): Promise<RunningApp> {
  const denials: RunningApp['denials'] = [];
  @Module({
    imports: [
      AccessModule.forRoot({
        apiKeyStore: options.store,
        devMode: options.devMode,
        nodeEnv: options.nodeEnv,
        pepper: PEPPER,
        jwt: { issuer: ISSUER, audience: AUDIENCE, publicKey: options.publicKey },
        onDenied: (principal, route, reason) => denials.push({ principal, route: `${route.method} ${route.path}`, reason }),
      }),
    ],
    controllers: [HealthController, SampleApiController, RuleSetsController],
  })
  class SampleAppModule {}

  const app = await NestFactory.create<NestFastifyApplication>(SampleAppModule, new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new KairosErrorFilter());
  // Mounted beside Nest, so no guard runs for it: the route listing must flag it.
  app.getHttpAdapter().getInstance().get('/raw-metrics', async () => 'metrics 1');
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}`, denials };
}

const pathFor = (template: string) => template.replace(/:[a-zA-Z]+/g, 'x1');

describe('Z1 route × role × credential matrix over a real socket', () => {
  const store = new InMemoryApiKeyStore();
  let privateKey: CryptoKey;
  let dev: RunningApp;
  let production: RunningApp;
  let routes: RoutePermissionEntry[];
  const validKeys = new Map<Role, string>();
  const revokedKeys = new Map<Role, string>();

  const jwt = (role: Role, tweak: { iss?: string; aud?: string; exp?: number } = {}) =>
    new SignJWT({ kairos_role: role, ...(role === 'channel' ? { kairos_channel: 'web' } : {}) })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(`human-${role}`)
      .setIssuer(tweak.iss ?? ISSUER)
      .setAudience(tweak.aud ?? AUDIENCE)
      .setExpirationTime(tweak.exp ?? '5m')
      .sign(privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    dev = await startApp({ devMode: true, nodeEnv: 'development', store, publicKey: pair.publicKey });
    // Same store, demo keys already seeded by the dev app: production must refuse them anyway.
    production = await startApp({ devMode: false, nodeEnv: 'production', store, publicKey: pair.publicKey });
    const keys = dev.app.get(ApiKeyService);
    for (const role of ROLES) {
      const channel = role === 'channel' ? { channel: 'web' as const } : {};
      validKeys.set(role, (await keys.issue({ role, ...channel, label: `e2e ${role}` })).plaintext);
      const revoked = await keys.issue({ role, ...channel, label: `e2e revoked ${role}` });
      await keys.revoke(revoked.id);
      revokedKeys.set(role, revoked.plaintext);
    }
    routes = collectRoutePermissions(dev.app);
  });

  afterAll(async () => {
    await dev?.app.close();
    await production?.app.close();
  });

  const call = async (target: RunningApp, method: string, path: string, authorization?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== undefined) headers['authorization'] = authorization;
    const response = await fetch(target.baseUrl + path, { method, headers, ...(method === 'GET' ? {} : { body: JSON.stringify({ channel: 'web' }) }) });
    const body = await response.text();
    return { status: response.status, body, challenge: response.headers.get('www-authenticate') };
  };

  it('enumerates every route from the running app, flags the undeclared and the raw one, and matches the expected table', () => {
    const declared = routes.filter((route) => route.permission !== null).map((route) => `${route.method} ${route.path}`);
    expect(declared.sort()).toEqual(Object.keys(EXPECTED).sort());
    const unguarded = routes.filter((route) => route.permission === null).map((route) => `${route.method} ${route.path} ${route.handler ?? '(outside Nest)'}`);
    expect(unguarded.sort()).toEqual(['GET /raw-metrics (outside Nest)', 'GET /v1/forgotten SampleApiController.forgotten', 'HEAD /raw-metrics (outside Nest)']);
    expect(routes.find((route) => route.path === '/v1/rule-sets')?.permission).toEqual({ action: 'read', subject: 'RuleSet' });
    expect(routes.find((route) => route.path === '/v1/rule-sets/:id/deploy')?.permission).toEqual({ action: 'deploy', subject: 'RuleSet' });
  });

  it('answers every route × 7 roles × credential kind with exactly 2xx / 401 / 403 as the table says', async () => {
    const expectedDeclared = routes.filter((route) => route.permission !== null);
    const mismatches: string[] = [];
    let tried = 0;
    for (const route of expectedDeclared) {
      const key = `${route.method} ${route.path}`;
      const path = pathFor(route.path);
      for (const role of ROLES) {
        const allowed = EXPECTED[key]!.includes(role);
        const variants: Array<[string, RunningApp, string | undefined, 'ok' | 401]> = [
          ['issued key', dev, `Bearer ${validKeys.get(role)}`, 'ok'],
          ['JWT', dev, `Bearer ${await jwt(role)}`, 'ok'],
          ['demo key in dev mode', dev, `Bearer demo-${role}`, 'ok'],
          ['issued key, production app', production, `Bearer ${validKeys.get(role)}`, 'ok'],
          ['no header', dev, undefined, 401],
          ['malformed: Basic', dev, `Basic ${Buffer.from(`${role}:x`).toString('base64')}`, 401],
          ['malformed: Bearer without token', dev, 'Bearer', 401],
          ['malformed: two tokens', dev, `Bearer ${validKeys.get(role)} extra`, 401],
          ['unknown key', dev, `Bearer kairos_${'A'.repeat(43)}`, 401],
          ['revoked key', dev, `Bearer ${revokedKeys.get(role)}`, 401],
          ['demo key outside dev mode', production, `Bearer demo-${role}`, 401],
          ['expired JWT', dev, `Bearer ${await jwt(role, { exp: Math.floor(Date.now() / 1000) - 120 })}`, 401],
          ['JWT with wrong aud', dev, `Bearer ${await jwt(role, { aud: 'another-api' })}`, 401],
          ['JWT with alg none', dev, `Bearer ${new UnsecuredJWT({ kairos_role: role }).setSubject('x').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').encode()}`, 401],
          ['JWT with wrong issuer', dev, `Bearer ${await jwt(role, { iss: 'https://evil.test' })}`, 401],
        ];
        for (const [variant, target, authorization, outcome] of variants) {
          tried++;
          const { status, body, challenge } = await call(target, route.method, path, authorization);
          const expected = outcome === 401 ? 401 : allowed ? 'ok' : 403;
          const good = expected === 'ok' ? status >= 200 && status < 300 : status === expected;
          const bodyOk = expected === 401 ? body.includes('"UNAUTHENTICATED"') && challenge?.startsWith('Bearer') === true : expected === 403 ? body.includes('"FORBIDDEN"') : true;
          if (!good || !bodyOk) mismatches.push(`${key} ${role} ${variant}: expected ${expected}, got ${status} ${body}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(tried).toBe(Object.keys(EXPECTED).length * ROLES.length * 15);
  });

  it('a route without @RequirePermission answers 403 to everyone, admin included, and reports it', async () => {
    const before = dev.denials.length;
    for (const authorization of [undefined, 'Bearer garbage', `Bearer ${validKeys.get('admin')}`, 'Bearer demo-admin', `Bearer ${await jwt('admin')}`]) {
      const { status, body } = await call(dev, 'GET', '/v1/forgotten', authorization);
      expect(status).toBe(403);
      expect(body).not.toContain('leaked');
    }
    expect(dev.denials.slice(before).map((denial) => denial.reason)).toEqual(Array(5).fill('no-permission-declared'));
  });

  it('Z4: a revoked key answers 401 on the very next request', async () => {
    const keys = dev.app.get(ApiKeyService);
    const issued = await keys.issue({ role: 'dpo', label: 'to be revoked' });
    await expect(call(dev, 'GET', '/v1/audit', `Bearer ${issued.plaintext}`)).resolves.toEqual(expect.objectContaining({ status: 200 }));
    await keys.revoke(issued.id);
    await expect(call(dev, 'GET', '/v1/audit', `Bearer ${issued.plaintext}`)).resolves.toEqual(expect.objectContaining({ status: 401 }));
  });

  it('Z6 over HTTP: the web channel passes the guard for "create Decision" but cannot decide for the IVR channel', async () => {
    const response = await fetch(`${dev.baseUrl}/v1/decisions`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-channel', 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'ivr' }),
    });
    expect(response.status).toBe(403);
    const ivr = await fetch(`${dev.baseUrl}/v1/decisions`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-channel-ivr', 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'ivr' }),
    });
    expect(ivr.status).toBe(201);
  });

  it('reports denials with the route template (no identifiers from the URL) and the principal when known', async () => {
    const before = dev.denials.length;
    await call(dev, 'GET', '/v1/events/customer-secret-id/trace', 'Bearer demo-channel');
    await call(dev, 'GET', '/v1/events/customer-secret-id/trace');
    const [forbidden, unauthenticated] = dev.denials.slice(before);
    expect(forbidden).toEqual({ principal: expect.objectContaining({ role: 'channel' }), route: 'GET /v1/events/:id/trace', reason: 'not-permitted' });
    expect(unauthenticated).toEqual({ principal: null, route: 'GET /v1/events/:id/trace', reason: 'missing-credentials' });
  });
});
