import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@kairos/config';
import { createLogger } from '@kairos/observability';
import { createHttpApp } from '../create-http-app';
import { KairosRuntime, type RuntimeOpenOptions } from '../kairos-runtime';
import { PLATFORM_FEATURES } from '../platform-features';

export interface InProcessPlatform {
  runtime(): KairosRuntime;
  app(): NestFastifyApplication;
  baseUrl(): string;
}

/**
 * The embedded platform with every feature module, in the test's own process on a real socket (port 0) and a
 * fresh data directory; started before the suite's tests and closed after them. For route-level suites that need
 * the Nest router itself (route enumeration), where a child process would hide it.
 */
export interface InProcessPlatformOptions {
  /** Extra environment settings (on top of a fresh data directory, no demo population, silent logs). */
  readonly env?: Readonly<Record<string, string>>;
  /** Ports and hooks for KairosRuntime.open (a catalog file, external features, trigger overrides). */
  readonly open?: RuntimeOpenOptions;
}

export function useInProcessPlatform(name: string, options: InProcessPlatformOptions = {}): InProcessPlatform {
  let dataDir: string;
  let runtime: KairosRuntime;
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `kairos-${name}-`));
    const config = loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false', LOG_LEVEL: 'silent', ...options.env });
    runtime = await KairosRuntime.open(config, createLogger({ level: 'silent' }), undefined, options.open);
    await runtime.startWorker();
    app = await createHttpApp(runtime, PLATFORM_FEATURES);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  return { runtime: () => runtime, app: () => app, baseUrl: () => baseUrl };
}
