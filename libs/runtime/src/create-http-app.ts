import { Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AccessModule, SOLE_STORE_API_KEY_CACHE_TTL_MS } from '@kairos/access';
import { auditAccessDenials } from './access-denial-audit';
import { ApiDocsController, ApiDocument } from './api-docs.controller';
import { HttpErrorFilter, answerFrameworkError, parseJsonBody } from '@kairos/http-edge';
import { KairosRuntime } from './kairos-runtime';
import { mountClusterEdge } from './cluster-parts';
import { refuseOversizedBodiesCleanly } from './oversized-body-guard';
import { PinoNestLogger } from './pino-nest-logger';
import { RuntimeModule } from './runtime.module';
import { RuntimeApiKeyStore } from './runtime-api-key-store';

/**
 * Builds the HTTP application of a process from its runtime and the feature modules it mounts. Authentication and
 * the deny-by-default authorization guard come first, for every route.
 */
export async function createHttpApp(runtime: KairosRuntime, features: readonly Type[]): Promise<NestFastifyApplication> {
  const apiDocument = new ApiDocument();

  @Module({
    imports: [
      RuntimeModule.forRuntime(runtime),
      AccessModule.forRoot({
        apiKeyStore: new RuntimeApiKeyStore(runtime.apiKeys),
        devMode: runtime.config.nodeEnv !== 'production',
        pepper: runtime.config.apiKeyPepper,
        onDenied: auditAccessDenials(runtime.audit.journal, runtime.metrics, runtime.logger.child({ component: 'access' })),
        // Embedded storage has one process, whose revokes evict its cache at once; with a shared database another
        // process may revoke, and the very next request here must see it (Z4).
        apiKeyCacheTtlMs: runtime.config.databaseUrl === undefined ? SOLE_STORE_API_KEY_CACHE_TTL_MS : 0,
        ...(runtime.config.jwtJwksUrl
          ? { jwt: { issuer: runtime.config.jwtIssuer!, audience: runtime.config.jwtAudience!, jwksUrl: runtime.config.jwtJwksUrl } }
          : {}),
      }),
      ...features,
    ],
    controllers: [ApiDocsController],
    providers: [{ provide: ApiDocument, useValue: apiDocument }],
  })
  class KairosHttpModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: runtime.config.bodyLimitBytes,
    // Slow or stalled clients are cut instead of holding sockets (slowloris).
    requestTimeout: 30_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 5_000,
    // Router refusals (over-long path parameter, undecodable URL) in our error shape, without echoing the URL.
    frameworkErrors: answerFrameworkError,
    // While the server closes, a request still arriving on an open connection is answered normally (the runtime
    // is still up, a moved customer's request is forwarded) instead of Fastify's bare 503 without Retry-After (D4).
    return503OnClosing: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(KairosHttpModule, adapter, {
    logger: new PinoNestLogger(runtime.logger.child({ component: 'http' })),
    // Our own JSON parser (parseJsonBody) replaces Nest's, to name refused prototype keys.
    bodyParser: false,
  });
  app.useGlobalFilters(new HttpErrorFilter(runtime.logger.child({ component: 'http-errors' })));
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: without this Fastify would parse text/plain and hand our validators a string instead of a 415.
  fastify.removeContentTypeParser('text/plain');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: runtime.config.bodyLimitBytes }, parseJsonBody);
  refuseOversizedBodiesCleanly(fastify, runtime.config.bodyLimitBytes);
  mountClusterEdge(app, runtime.config, runtime.cluster);
  app.enableShutdownHooks();

  const config = new DocumentBuilder()
    .setTitle('Kairos API')
    .setDescription('Governed real-time next-best-action for financial services')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key or JWT' })
    .addSecurityRequirements('bearer')
    .build();
  apiDocument.document = SwaggerModule.createDocument(app, config);
  return app;
}
