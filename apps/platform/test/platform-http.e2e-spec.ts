import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, atmPinFailedEvent, loginEvent, postRaw, requestJson, startPlatformProcess } from '@kairos/testing';

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('platform over HTTP (embedded mode, real socket)', () => {
  let dataDir: string;
  let platform: PlatformProcess;
  const post = (body: unknown, apiKey = 'demo-channel') => requestJson(platform.baseUrl, 'POST', '/v1/events', { apiKey, body });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kairos-e2e-'));
    platform = await startPlatformProcess({ dataDir });
  });

  afterAll(async () => {
    await platform.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 401 without or with bad credentials and 403 for a role without permission', async () => {
    await expect(requestJson(platform.baseUrl, 'POST', '/v1/events', { body: atmPinFailedEvent('c-auth') })).resolves.toEqual(expect.objectContaining({ status: 401 }));
    await expect(post(atmPinFailedEvent('c-auth'), 'not-a-key')).resolves.toEqual(expect.objectContaining({ status: 401 }));
    await expect(requestJson(platform.baseUrl, 'GET', '/metrics', { apiKey: 'demo-channel' })).resolves.toEqual(expect.objectContaining({ status: 403 }));
    await expect(requestJson(platform.baseUrl, 'GET', '/metrics', { apiKey: 'demo-admin' })).resolves.toEqual(expect.objectContaining({ status: 200 }));
  });

  it('rejects an invalid single event with 400 naming the field and rule, and stores nothing', async () => {
    const bad = atmPinFailedEvent('c-bad', { data: { cardId: 'card-1' } });
    const response = await post(bad);
    expect(response.status).toBe(400);
    expect(response.body.issues).toContainEqual(expect.objectContaining({ path: 'data.atmId', rule: 'invalid_type' }));
    await expect(requestJson(platform.baseUrl, 'GET', `/v1/events/${bad.id}/trace`, { apiKey: 'demo-admin' })).resolves.toEqual(expect.objectContaining({ status: 404 }));
  });

  it('P3: stores the 99 valid events of a mixed batch and names the invalid one by index, field and rule', async () => {
    const events = Array.from({ length: 100 }, (_, i) => loginEvent(`c-mixed-${i % 7}`));
    events[42] = { ...events[42], occurredAt: 'yesterday' };
    const response = await post({ events });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ accepted: 99, duplicates: 0, parked: 0, rejected: [{ index: 42, issues: [expect.objectContaining({ path: 'events[42].occurredAt', rule: 'invalid_format' })] }] });
    await expect(requestJson(platform.baseUrl, 'GET', `/v1/events/${events[42].id}/trace`, { apiKey: 'demo-admin' })).resolves.toEqual(expect.objectContaining({ status: 404 }));
  });

  it('P2: refuses more than 1,000 events and bodies over 1 MiB with 413, and non-JSON with 415', async () => {
    const tooMany = await post({ events: Array.from({ length: 1001 }, () => loginEvent('c-big')) });
    expect(tooMany.status).toBe(413);
    const huge = await postRaw(platform.baseUrl, '/v1/events', 'demo-channel', JSON.stringify({ events: [loginEvent('c-big', { source: 'x'.repeat(1_100_000) })] }));
    expect(huge.status).toBe(413);
    const text = await requestJson(platform.baseUrl, 'POST', '/v1/events', { apiKey: 'demo-channel', rawBody: 'hello', contentType: 'text/plain' });
    expect(text.status).toBe(415);
    const deep = await requestJson(platform.baseUrl, 'POST', '/v1/events', { apiKey: 'demo-channel', rawBody: '['.repeat(1000) + ']'.repeat(1000) });
    expect(deep.status).toBe(400);
  });

  it('P2: refuses 200 oversized, over-long, deep and huge-field bodies each within 50 ms (p99) with the event loop responsive', async () => {
    const bodies: [string, number][] = [
      [JSON.stringify({ events: [loginEvent('c-p2', { source: 'x'.repeat(1_100_000) })] }), 413],
      [JSON.stringify({ events: Array.from({ length: 1001 }, () => loginEvent('c-p2')) }), 413],
      ['['.repeat(1000) + ']'.repeat(1000), 400],
      [JSON.stringify(loginEvent('c-p2', { source: 'y'.repeat(1_000_000) })), 400],
    ];
    // prom-client resets its event-loop histogram at every scrape: this one makes the next cover only the attack.
    await requestJson(platform.baseUrl, 'GET', '/metrics', { apiKey: 'demo-admin' });
    const durations: number[] = [];
    for (let round = 0; round < 50; round++) {
      for (const [rawBody, status] of bodies) {
        const started = performance.now();
        const response = await postRaw(platform.baseUrl, '/v1/events', 'demo-channel', rawBody);
        durations.push(performance.now() - started);
        expect(response.status).toBe(status);
      }
    }
    durations.sort((a, b) => a - b);
    const p99 = durations[Math.floor(durations.length * 0.99)];
    const metrics = String((await requestJson(platform.baseUrl, 'GET', '/metrics', { apiKey: 'demo-admin' })).body);
    const loopLagP99 = Number(/^kairos_nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(p99).toBeLessThan(50);
    expect(loopLagP99).toBeLessThan(0.05);
    process.stdout.write(`P2: 200 tried, 200 held; response p99 ${p99.toFixed(1)} ms, event-loop delay p99 ${(loopLagP99 * 1000).toFixed(1)} ms\n`);
  });

  it('is idempotent by event id and traces the event to its profile', async () => {
    const event = atmPinFailedEvent('c-trace');
    await expect(post(event)).resolves.toEqual(expect.objectContaining({ status: 202, body: expect.objectContaining({ accepted: 1, duplicates: 0 }) }));
    await expect(post(event)).resolves.toEqual(expect.objectContaining({ status: 202, body: expect.objectContaining({ accepted: 0, duplicates: 1 }) }));
    const trace = await waitFor(async () => {
      const response = await requestJson(platform.baseUrl, 'GET', `/v1/events/${event.id}/trace`, { apiKey: 'demo-admin' });
      return response.body.stages?.some((s: { stage: string }) => s.stage === 'applied') ? response.body : undefined;
    });
    // After `applied`, the trigger runtime adds what it evaluated (one PIN failure fires nothing yet).
    expect(trace.stages.map((s: { stage: string }) => s.stage).slice(0, 4)).toEqual(['received', 'validated', 'stored', 'applied']);
    expect(trace.stages.some((s: { stage: string }) => s.stage === 'trigger_fired')).toBe(false);
    const profile = await requestJson(platform.baseUrl, 'GET', '/v1/customers/c-trace/profile', { apiKey: 'demo-admin' });
    expect(profile.status).toBe(200);
    expect(profile.body.attributes.eventCount).toBe(1);
    expect(profile.body.features.atm_pin_failed_count_10m).toBe(1);
  });

  it('parks an event named only by an identifier and applies it once the link is learnt', async () => {
    const byDevice = { ...loginEvent('ignored'), customerId: undefined, identifiers: { deviceId: 'dev-e2e-1' } };
    const parked = await post(byDevice);
    expect(parked.body).toEqual(expect.objectContaining({ accepted: 1, parked: 1 }));
    const linking = loginEvent('c-linked', { identifiers: { deviceId: 'dev-e2e-1' } });
    await post(linking);
    const profile = await waitFor(async () => {
      const response = await requestJson(platform.baseUrl, 'GET', '/v1/customers/c-linked/profile', { apiKey: 'demo-admin' });
      return response.body.attributes?.eventCount === 2 ? response.body : undefined;
    });
    expect(profile.attributes.eventCount).toBe(2);
  });

  it('serves the OpenAPI document and health only with credentials', async () => {
    await expect(requestJson(platform.baseUrl, 'GET', '/docs')).resolves.toEqual(expect.objectContaining({ status: 401 }));
    const docs = await requestJson(platform.baseUrl, 'GET', '/docs', { apiKey: 'demo-admin' });
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/customers/{customerId}/profile', '/v1/events/{eventId}/trace', '/health', '/metrics']));
  });
});
