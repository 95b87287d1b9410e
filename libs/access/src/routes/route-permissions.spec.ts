import { All, Controller, Get, Module, Post, Version, VersioningType } from '@nestjs/common';
import { NestFactory, RouterModule } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { RequirePermission } from '../nest/require-permission.decorator';
import { collectRoutePermissions } from './route-permissions';

@Controller({ path: 'events', version: '1' })
class EventsController {
  @Post() @RequirePermission('create', 'Event') ingest() { return 1; }
  @Get(':id/trace') @RequirePermission('read', 'EventTrace') trace() { return 1; }
  @Get(':id/trace') @Version('2') @RequirePermission('read', 'EventTrace') traceV2() { return 2; }
}

@Controller(['rule-sets', 'rulesets'])
@RequirePermission('read', 'RuleSet')
class RuleSetsController {
  @Get() list() { return []; }
  @All('legacy/*') legacy() { return 1; }
}

@Controller()
class HealthController {
  @Get('health') @RequirePermission('read', 'Health') health() { return 1; }
  @Get('undeclared') undeclared() { return 1; }
}

@Module({ controllers: [RuleSetsController] })
class AuthoringModule {}

@Module({ imports: [AuthoringModule, RouterModule.register([{ path: 'authoring', module: AuthoringModule }])], controllers: [EventsController, HealthController] })
class ShapesModule {}

@Module({ controllers: [HealthController] })
class SmallModule {}

/** The listing must equal what the router registered under prefix, prefix exclusions, URI versions and RouterModule paths. */
describe('collectRoutePermissions', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(ShapesModule, new FastifyAdapter(), { logger: false });
    app.setGlobalPrefix('api', { exclude: ['health'] });
    app.enableVersioning({ type: VersioningType.URI });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('lists every Nest route at the path the router serves it, with its permission, and nothing outside Nest', () => {
    const listing = collectRoutePermissions(app).map((route) => [route.method, route.path, route.permission && `${route.permission.action} ${route.permission.subject}`, route.handler]);
    expect(listing).toEqual(
      expect.arrayContaining([
        ['POST', '/api/v1/events', 'create Event', 'EventsController.ingest'],
        ['GET', '/api/v1/events/:id/trace', 'read EventTrace', 'EventsController.trace'],
        ['GET', '/api/v2/events/:id/trace', 'read EventTrace', 'EventsController.traceV2'],
        ['GET', '/api/authoring/rule-sets', 'read RuleSet', 'RuleSetsController.list'],
        ['GET', '/api/authoring/rulesets', 'read RuleSet', 'RuleSetsController.list'],
        ['GET', '/health', 'read Health', 'HealthController.health'],
        ['GET', '/api/undeclared', null, 'HealthController.undeclared'],
      ]),
    );
    expect(listing.filter((route) => route[3] === null)).toEqual([]);
  });

  it('sees a route mounted on Fastify directly as one without a Nest handler', async () => {
    const other = await NestFactory.create<NestFastifyApplication>(SmallModule, new FastifyAdapter(), { logger: false });
    other.getHttpAdapter().getInstance().post('/hidden', async () => 'x');
    await other.init();
    expect(collectRoutePermissions(other).filter((route) => route.handler === null)).toEqual([{ method: 'POST', path: '/hidden', permission: null, handler: null }]);
    await other.close();
  });
});
