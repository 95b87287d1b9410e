/**
 * A lean open-loop HTTP/1.1 load generator, the role wrk2 plays elsewhere: requests leave on a fixed schedule (not
 * when an earlier one returned) and each latency is measured from its scheduled send time, so a stall shows up in
 * every request it delays (no coordinated omission).
 *
 * Why not fetch: on this 2-core machine the load generator shares the cores with the platform it measures, and
 * fetch (undici) spent about as much CPU per request as the platform spends deciding. Here each request is a
 * pre-encoded buffer written to a kept-alive socket and each response is read only as far as its status line and
 * Content-Length, so the generator stays a small share of the machine.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface OpenLoopPlan {
  readonly host: string;
  readonly port: number;
  readonly ratePerSecond: number;
  readonly total: number;
  /** The request for the i-th send: method, path, headers and body go out exactly as given. */
  readonly request: (i: number) => { readonly method: string; readonly path: string; readonly headers: Readonly<Record<string, string>>; readonly body: string };
}

export interface OpenLoopResult {
  readonly sent: number;
  readonly ok: number;
  readonly errors: Record<string, number>;
  /** Milliseconds from scheduled send to the last byte of a 200 response, sorted ascending. */
  readonly latencies: readonly number[];
  readonly elapsedSeconds: number;
}

interface InFlight {
  readonly scheduledAt: number;
}

/** One kept-alive connection carrying one request at a time. */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private current: InFlight | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly onResponse: (connection: Connection, status: number, request: InFlight) => void,
    private readonly onFailure: (connection: Connection, reason: string, request: InFlight | undefined) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (error) => this.fail(error.message));
    socket.on('close', () => this.fail('connection closed'));
  }

  get idle(): boolean {
    return this.current === undefined && !this.closed;
  }

  send(bytes: Buffer, request: InFlight): void {
    this.current = request;
    this.socket.write(bytes);
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headerEnd = this.buffered.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.buffered.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    // The platform answers every request with a Content-Length; anything else is a protocol error for this tool.
    if (length === null) return this.fail('response without content-length');
    const end = headerEnd + 4 + Number(length[1]);
    if (this.buffered.length < end) return;
    const status = Number(head.slice(9, 12));
    this.buffered = this.buffered.subarray(end);
    const request = this.current!;
    this.current = undefined;
    this.onResponse(this, status, request);
  }

  private fail(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    const request = this.current;
    this.current = undefined;
    this.onFailure(this, reason, request);
  }
}

function encodeRequest(host: string, port: number, request: ReturnType<OpenLoopPlan['request']>): Buffer {
  const body = Buffer.from(request.body);
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}:${port}\r\ncontent-length: ${body.length}\r\n`;
  for (const [name, value] of Object.entries(request.headers)) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), body]);
}

/** Runs the plan: a new connection is opened whenever every open one is busy, as an open loop must. */
export async function runOpenLoop(plan: OpenLoopPlan): Promise<OpenLoopResult> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  let answered = 0;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const settle = () => {
    if (++answered === plan.total) finish();
  };
  const onResponse = (connection: Connection, status: number, request: InFlight) => {
    if (status === 200) latencies.push(performance.now() - request.scheduledAt);
    else errors[status] = (errors[status] ?? 0) + 1;
    idle.push(connection);
    settle();
  };
  const onFailure = (connection: Connection, reason: string, request: InFlight | undefined) => {
    all.delete(connection);
    const at = idle.indexOf(connection);
    if (at >= 0) idle.splice(at, 1);
    if (request === undefined) return;
    errors[reason] = (errors[reason] ?? 0) + 1;
    settle();
  };
  const open = async (): Promise<Connection> => {
    const socket = connect(plan.port, plan.host);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const connection = new Connection(socket, onResponse, onFailure);
    all.add(connection);
    return connection;
  };
  // A few connections up front, so the first requests do not pay for the handshake.
  for (let i = 0; i < 8; i++) idle.push(await open());

  const intervalMs = 1_000 / plan.ratePerSecond;
  const started = performance.now();
  for (let i = 0; i < plan.total; i++) {
    const scheduledAt = started + i * intervalMs;
    const wait = scheduledAt - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const bytes = encodeRequest(plan.host, plan.port, plan.request(i));
    let connection = idle.pop();
    while (connection !== undefined && !connection.idle) connection = idle.pop();
    if (connection === undefined) {
      try {
        connection = await open();
      } catch (error) {
        errors[(error as Error).message] = (errors[(error as Error).message] ?? 0) + 1;
        settle();
        continue;
      }
    }
    connection.send(bytes, { scheduledAt });
  }
  await done;
  const elapsedSeconds = (performance.now() - started) / 1_000;
  for (const connection of all) connection.close();
  latencies.sort((a, b) => a - b);
  return { sent: plan.total, ok: latencies.length, errors, latencies, elapsedSeconds };
}
