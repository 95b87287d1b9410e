import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingEvent } from '@kairos/contracts';
import { simulateBank } from '../simulation/bank-simulation';
import { BatchAcknowledgement, HttpDeliveryError, parseRetryAfter, postEvents } from './http-event-writer';

// A tiny ingestion endpoint on a real socket: it dedupes by event id like the platform does, and each test
// decides per request whether to store, fail, or answer something else.

interface Attempt {
  readonly request: string;
  readonly ids: readonly string[];
  readonly authorization: string | undefined;
}

type Reply = 'store' | 'store_then_500' | { status: number; headers?: Record<string, string>; body?: unknown } | 'drop_connection';

class FakeIngestion {
  readonly stored = new Map<string, IncomingEvent>();
  readonly arrival: string[] = [];
  readonly attempts: Attempt[] = [];
  private server!: Server;
  baseUrl = '';

  constructor(private readonly decide: (attempt: Attempt, attemptsForBatch: number) => Reply) {}

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Attempts whose first event id matches, in order: one batch's tries. */
  attemptsOf(firstId: string): Attempt[] {
    return this.attempts.filter((a) => a.ids[0] === firstId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const events = (JSON.parse(text) as { events: IncomingEvent[] }).events;
    const attempt = { request: `${req.method} ${req.url} ${req.headers['content-type']}`, ids: events.map((e) => e.id), authorization: req.headers.authorization };
    this.attempts.push(attempt);
    const reply = this.decide(attempt, this.attemptsOf(attempt.ids[0]).length);
    if (reply === 'drop_connection') {
      req.socket.destroy();
      return;
    }
    if (reply === 'store' || reply === 'store_then_500') {
      let accepted = 0;
      let duplicates = 0;
      for (const event of events) {
        if (this.stored.has(event.id)) duplicates++;
        else {
          this.stored.set(event.id, event);
          this.arrival.push(event.id);
          accepted++;
        }
      }
      if (reply === 'store_then_500') res.writeHead(500).end();
      else res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted, duplicates, rejected: [] }));
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }
}

const { events } = simulateBank({ seed: 8, customers: 40, days: 12 });
const fast = { retryBaseDelayMs: 5, maxRetryDelayMs: 50 };

describe('postEvents', () => {
  let server: FakeIngestion;
  afterEach(async () => server.stop());

  it('retries batches answered 503 with the same event ids until every event is acknowledged', async () => {
    server = new FakeIngestion((attempt, tries) => {
      const unlucky = Number(attempt.ids[0].split('-e')[1]) % 3 === 0;
      return unlucky && tries === 1 ? { status: 503, headers: { 'retry-after': '0' } } : 'store';
    });
    await server.start();
    const acknowledgements: BatchAcknowledgement[] = [];

    const report = await postEvents(events, { baseUrl: server.baseUrl, batchSize: 100, concurrency: 3, ...fast, onAcknowledged: (ack) => acknowledgements.push(ack) });

    const firstIds = new Set(server.attempts.map((a) => a.ids[0]));
    const retried = [...firstIds].filter((id) => server.attemptsOf(id).length > 1);
    expect(retried.length).toBeGreaterThan(0);
    for (const id of retried) {
      const [first, ...again] = server.attemptsOf(id);
      for (const attempt of again) expect(attempt.ids).toEqual(first.ids);
    }
    expect(server.stored.size).toBe(events.length);
    expect(new Set(acknowledgements.flatMap((a) => a.events.map((e) => e.id)))).toEqual(new Set(events.map((e) => e.id)));
    expect(report).toMatchObject({ events: events.length, accepted: events.length, duplicates: 0, rejected: 0, retries: retried.length });
    expect(report.responses['503']).toBe(retried.length);
    expect(server.attempts.every((a) => a.authorization === 'Bearer demo-channel')).toBe(true);
    expect(new Set(server.attempts.map((a) => a.request))).toEqual(new Set(['POST /v1/events application/json']));
  });

  it('keeps each customer\'s events in order across concurrent lanes', async () => {
    server = new FakeIngestion(() => 'store');
    await server.start();
    await postEvents(events, { baseUrl: server.baseUrl, batchSize: 37, concurrency: 4, ...fast });
    const position = new Map(server.arrival.map((id, i) => [id, i]));
    const lastSeen = new Map<string, number>();
    for (const event of events) {
      const at = position.get(event.id)!;
      expect(at).toBeGreaterThan(lastSeen.get(event.customerId!) ?? -1);
      lastSeen.set(event.customerId!, at);
    }
  });

  it('counts events stored before a lost answer as duplicates on the retry, storing each once', async () => {
    server = new FakeIngestion((attempt, tries) => {
      if (tries > 1) return 'store';
      const n = Number(attempt.ids[0].split('-e')[1]);
      return n % 4 === 1 ? 'store_then_500' : n % 4 === 2 ? 'drop_connection' : 'store';
    });
    await server.start();
    const report = await postEvents(events, { baseUrl: server.baseUrl, batchSize: 50, concurrency: 2, apiKey: 'demo-other', ...fast });
    expect(report.retries).toBeGreaterThan(0);
    expect(report.responses.network).toBeGreaterThan(0);
    expect(report.duplicates).toBeGreaterThan(0);
    // Whatever the server stored before its answer got lost comes back as duplicates on the retry.
    expect(report.accepted + report.duplicates).toBe(events.length);
    expect(server.stored.size).toBe(events.length);
    expect(server.attempts.every((a) => a.authorization === 'Bearer demo-other')).toBe(true);
  });

  it('waits as long as Retry-After asks on 429', async () => {
    server = new FakeIngestion((_attempt, tries) => (tries === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 'store'));
    await server.start();
    const started = Date.now();
    const report = await postEvents(events.slice(0, 10), { baseUrl: server.baseUrl, batchSize: 10, concurrency: 1, retryBaseDelayMs: 5, maxRetryDelayMs: 5000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(report).toMatchObject({ accepted: 10, retries: 1 });
  });

  it('reports rejected events with their ids and reasons and does not resend them', async () => {
    const issues = [{ path: 'events[1].data.amount', rule: 'too_big', message: 'too big' }];
    server = new FakeIngestion((attempt) => ({ status: 202, body: { accepted: attempt.ids.length - 1, duplicates: 0, rejected: [{ index: 1, issues }] } }));
    await server.start();
    const report = await postEvents(events.slice(0, 30), { baseUrl: server.baseUrl, batchSize: 10, concurrency: 1, ...fast });
    expect(report).toMatchObject({ accepted: 27, rejected: 3, retries: 0 });
    expect(report.rejections).toHaveLength(3);
    expect(report.rejections.map((r) => r.eventId).sort()).toEqual([events[1].id, events[11].id, events[21].id].sort());
    expect(report.rejections[0].issues).toEqual(issues);
  });

  it('splits a batch the server finds too large', async () => {
    server = new FakeIngestion((attempt) => (attempt.ids.length > 8 ? { status: 413 } : 'store'));
    await server.start();
    const report = await postEvents(events.slice(0, 40), { baseUrl: server.baseUrl, batchSize: 20, ...fast });
    expect(report.accepted).toBe(40);
    expect(server.stored.size).toBe(40);
  });

  it('stops at a non-retryable answer and says how far it got', async () => {
    server = new FakeIngestion(() => ({ status: 401, body: { code: 'UNAUTHENTICATED' } }));
    await server.start();
    const failure = postEvents(events, { baseUrl: server.baseUrl, batchSize: 100, concurrency: 2, apiKey: 'wrong', ...fast });
    await expect(failure).rejects.toBeInstanceOf(HttpDeliveryError);
    await expect(failure).rejects.toMatchObject({ status: 401, report: { accepted: 0, retries: 0 } });
    expect(server.attempts.length).toBeLessThanOrEqual(2);
  });

  it('stops and rethrows when the acknowledgement callback throws', async () => {
    server = new FakeIngestion(() => 'store');
    await server.start();
    const delivery = postEvents(events, {
      baseUrl: server.baseUrl,
      batchSize: 20,
      concurrency: 2,
      ...fast,
      onAcknowledged: () => {
        throw new Error('ledger full');
      },
    });
    await expect(delivery).rejects.toThrow('ledger full');
    expect(server.attempts.length).toBeLessThan(Math.ceil(events.length / 20));
  });

  it('gives up after maxAttempts when the server keeps failing', async () => {
    server = new FakeIngestion(() => ({ status: 503 }));
    await server.start();
    const failure = postEvents(events.slice(0, 5), { baseUrl: server.baseUrl, concurrency: 1, maxAttempts: 3, ...fast });
    await expect(failure).rejects.toMatchObject({ status: 503, report: { accepted: 0, retries: 2 } });
    expect(server.attempts).toHaveLength(3);
  });

  it('retries when nothing listens and succeeds once the server is there', async () => {
    server = new FakeIngestion(() => 'store');
    await server.start();
    const url = server.baseUrl;
    await server.stop();
    const delivery = postEvents(events.slice(0, 20), { baseUrl: url, batchSize: 20, retryBaseDelayMs: 100, maxRetryDelayMs: 200, maxAttempts: 50 });
    server = new FakeIngestion(() => 'store');
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Same port again: the first listener is closed.
    await server.start(Number(new URL(url).port));
    const report = await delivery;
    expect(report.accepted).toBe(20);
    expect(report.responses.network).toBeGreaterThan(0);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
