/**
 * Specs only: a Nest app on a real socket with the access module (deny by default, demo keys in dev mode) and the
 * given controllers and providers, shaped like the platform's HTTP app.
 */
import { Catch, Module, type ArgumentsHost, type ExceptionFilter, type Provider, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessModule, ApiKeyService, InMemoryApiKeyStore } from '@kairos/access';
import { KairosError } from '@kairos/contracts';

/** Stand-in for the runtime's HttpErrorFilter: KairosError → `{ error, message, issues }` with the code's status. */
@Catch(KairosError)
class KairosErrorFilter implements ExceptionFilter {
  catch(error: KairosError, host: ArgumentsHost) {
    host.switchToHttp().getResponse().status(error.status).send({ error: error.code, message: error.message, issues: error.issues });
  }
}

export interface DsrTestApp {
  readonly app: NestFastifyApplication;
  readonly baseUrl: string;
  /** Issues an API key of `role` for a principal of its own (a second DPO, for four eyes). */
  issueKey(role: 'dpo' | 'admin'): Promise<{ key: string; principalId: string }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs assert response bodies field by field
  call(method: string, path: string, key: string | undefined, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startDsrTestApp(controllers: Type[], providers: Provider[]): Promise<DsrTestApp> {
  @Module({
    imports: [AccessModule.forRoot({ apiKeyStore: new InMemoryApiKeyStore(), devMode: true, nodeEnv: 'development', pepper: 'x'.repeat(32) })],
    controllers,
    providers,
  })
  class DsrTestModule {}

  const app = await NestFactory.create<NestFastifyApplication>(DsrTestModule, new FastifyAdapter(), { logger: false });
  app.useGlobalFilters(new KairosErrorFilter());
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    issueKey: async (role) => {
      const issued = await app.get(ApiKeyService).issue({ role, label: `dsr e2e ${role}` });
      return { key: issued.plaintext, principalId: issued.principal.id };
    },
    call: async (method, path, key, body) => {
      const headers: Record<string, string> = {};
      if (key !== undefined) headers['authorization'] = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(baseUrl + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers };
    },
    close: () => app.close(),
  };
}
