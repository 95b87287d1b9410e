import { Type } from '@nestjs/common';
import { ConfigurationError, KairosConfig, describeConfig, isEmbeddedLog, loadConfig } from '@kairos/config';
import { createLogger } from '@kairos/observability';
import { advertisedUrlOf } from './cluster-parts';
import { createHttpApp } from './create-http-app';
import { KairosRuntime } from './kairos-runtime';

export interface ProcessRole {
  /** Shown in logs: platform (all in one), ingestion, decisioning. */
  readonly name: string;
  readonly features: readonly Type[];
  /** Whether this process joins the consumer group and folds partitions. */
  readonly ownsPartitions: boolean;
  /** Whether this process reads the Kafka source topic (ignored in embedded mode). */
  readonly consumesSourceTopic: boolean;
  /** Whether this process signs audit checkpoints and runs the retention job (exactly one per deployment). */
  readonly governs: boolean;
  /** Runs once the HTTP server listens (demo data, banners). */
  readonly afterStart?: (runtime: KairosRuntime, baseUrl: string) => Promise<void>;
}

/**
 * Starts one Kairos process: configuration (stopping with one sentence when a setting is wrong or unreachable),
 * runtime, worker, HTTP server; and stops it cleanly on SIGTERM/SIGINT.
 */
export async function runProcess(role: ProcessRole, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: KairosConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    exitWith(error);
  }
  const logger = createLogger({ level: config.logLevel }).child({ role: role.name });
  let runtime: KairosRuntime;
  try {
    runtime = await KairosRuntime.open(config, logger, undefined, { governs: role.governs });
  } catch (error) {
    exitWith(error);
  }
  logger.info({ config: describeConfig(config), log: isEmbeddedLog(config) ? 'embedded' : 'kafka' }, 'starting');
  // With Kafka, joining the consumer group takes partitions away from running processes: join only once requests
  // can reach this one and its directory claims are visible, or their customers get 503s meanwhile (D4).
  const joinsLate = role.ownsPartitions && !isEmbeddedLog(config);
  if (role.ownsPartitions && !joinsLate) await runtime.startWorker();
  if (role.consumesSourceTopic) await runtime.startSourceConsumer();
  const app = await createHttpApp(runtime, role.features);
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const baseUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ baseUrl }, 'listening');
  await runtime.cluster.start(advertisedUrlOf(config, baseUrl));
  if (joinsLate) await runtime.startWorker();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await runtime.releasePartitions();
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  // `on`, not `once`: a library's exit hook (signal-exit) re-raises a signal for which it sees no other listener,
  // and a `once` listener is already removed while it runs, so the process died before the graceful stop (D4).
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await role.afterStart?.(runtime, baseUrl);
}

function exitWith(error: unknown): never {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`kairos: configuration error: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}
