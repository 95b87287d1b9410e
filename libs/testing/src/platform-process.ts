import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface PlatformProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Output so far (stdout and stderr), for assertions such as "no personal data in logs". */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

function withoutModeSwitches(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { KAFKA_BROKERS: _kafka, DATABASE_URL: _database, ...rest } = env;
  return rest;
}

/** Every platform process a test started and that still runs: killed when the test process exits, whatever happened. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts `npm start`'s entry point as a real OS process on a free port and waits until /health answers. Tests kill
 * it with SIGKILL to prove durability, so it must be a separate process, not an in-jest Nest app.
 */
export async function startPlatformProcess(options: {
  dataDir: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Which process shell to start: platform (all in one, default), ingestion, decisioning, governance or content. */
  app?: 'platform' | 'ingestion' | 'decisioning' | 'governance' | 'content';
  /** Extra Node flags, e.g. --cpu-prof for a benchmark. */
  nodeArgs?: readonly string[];
}): Promise<PlatformProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '-r', '@swc-node/register', `apps/${options.app ?? 'platform'}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: {
      // The mode is the test's choice, never inherited: `npm test` exports KAFKA_BROKERS for the Kafka suites, and a
      // platform that picked it up would silently run the embedded tests against Kafka.
      ...withoutModeSwitches(process.env),
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      KAIROS_DATA_DIR: options.dataDir,
      KAIROS_DEMO_POPULATION: 'false',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`platform exited with ${child.exitCode} before answering:\n${output.slice(-2000)}`);
    try {
      const response = await fetch(`${baseUrl}/health`, { headers: { authorization: 'Bearer demo-admin' } });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`platform did not answer /health within the timeout:\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    baseUrl,
    child,
    output: () => output,
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}

/** Parsed response JSON: specs assert on its shape, so it is deliberately untyped here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JsonBody = any;

/** A JSON request over a real socket. */
export async function requestJson(
  baseUrl: string,
  method: string,
  path: string,
  options: { apiKey?: string; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<{ status: number; body: JsonBody; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (metrics)
  }
  return { status: response.status, body, headers: response.headers };
}

/**
 * POSTs a raw body with node:http and reports the server's answer even when the server answered early and closed
 * the connection while the body was still being sent (as it must for a body over the limit). fetch throws EPIPE in
 * that case although the response arrived. Rejects only when no response arrives at all.
 */
export function postRaw(baseUrl: string, path: string, apiKey: string, body: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    request.on('response', (response) => {
      answered = true;
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      response.on('error', () => resolve({ status: response.statusCode ?? 0 }));
    });
    request.on('error', (error) => {
      // The response may still be in flight behind the write error; give it a moment before calling it lost.
      setTimeout(() => answered || reject(error), 1_000);
    });
    request.end(body);
  });
}
