import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { PlatformProcess, atmPinFailedEvent, requestJson, startPlatformProcess } from '@kairos/testing';

/**
 * Reliability test P1 for POST /v1/events: generated malformed, type-confused, oversized, prototype-polluting,
 * deeply nested and odd-Unicode payloads. Every one is answered 4xx (never 5xx), names field and rule, echoes no
 * input, and nothing of it is stored.
 */
const PAYLOADS = 2_000;
const CANARY = 'Canary-Pii-7f3e';
const CLIENT_ERRORS = new Set([400, 401, 403, 404, 413, 415, 422]);

const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u202e', '\u200b', '\udc00', '\u0000', 'ü'.repeat(50), '\ufeff{"', `${CANARY}@example.org`),
);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 4 }), oddText);

/** Each arbitrary yields a payload that is invalid by construction (so a 202 is always a defect). */
const malformedPayloads = fc.oneof(
  // Not an object at all.
  fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(anyJson, { maxLength: 4 }), oddText),
  // A valid event with an unknown field of any name and value (strict schemas refuse it).
  fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', CANARY), anyJson).map(([key, value]) => {
    const event = atmPinFailedEvent('c-fuzz');
    // A replacer function, because a replacement string would expand `$'` and `$&` that the generated value may contain.
    return JSON.parse(JSON.stringify(event).replace(/^\{/, () => `{${JSON.stringify(key)}:${JSON.stringify(value ?? null)},`));
  }),
  // A valid event with one field type-confused.
  fc.tuple(fc.constantFrom('id', 'type', 'customerId', 'occurredAt', 'source', 'data'), fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.nat()), fc.constant(null), oddText)).map(
    // A leading space breaks every identifier, source and timestamp rule, so a confused string is never valid.
    ([field, value]) => ({ ...atmPinFailedEvent('c-fuzz'), [field]: field === 'type' ? `${String(value)}-unknown` : typeof value === 'string' ? ` ${value}` : value }),
  ),
  // Data replaced by arbitrary JSON that cannot satisfy atm_pin_failed.
  anyJson.map((data) => ({ ...atmPinFailedEvent('c-fuzz'), data: { bogus: data } })),
  // Deep nesting and oversized fields.
  fc.integer({ min: 50, max: 2_000 }).map((depth) => ({ ...atmPinFailedEvent('c-fuzz'), data: JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) })),
  fc.integer({ min: 129, max: 300_000 }).map((length) => ({ ...atmPinFailedEvent('c-fuzz'), customerId: 'x'.repeat(length) })),
  // Batches whose every event is broken.
  fc.array(anyJson, { minLength: 1, maxLength: 5 }).map((events) => ({ events: events.map((e) => ({ bogus: e })) })),
  fc.constant({ events: [] }),
  fc.constant({ events: 'all' }),
);

describe('P1: fuzzing POST /v1/events', () => {
  let dataDir: string;
  let platform: PlatformProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kairos-p1-'));
    platform = await startPlatformProcess({ dataDir });
  });

  afterAll(async () => {
    await platform.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`answers ${PAYLOADS} malformed payloads with 4xx, stores nothing and echoes nothing`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(malformedPayloads, async (payload) => {
        const response = await requestJson(platform.baseUrl, 'POST', '/v1/events', { apiKey: 'demo-channel', rawBody: JSON.stringify(payload) });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const text = JSON.stringify(response.body);
        return CLIENT_ERRORS.has(response.status) && !text.includes(CANARY) && !/\bat .*\.(ts|js):\d+/.test(text) && (response.status !== 400 || Array.isArray(response.body.issues));
      }),
      { numRuns: PAYLOADS },
    );
    const metrics = await requestJson(platform.baseUrl, 'GET', '/metrics', { apiKey: 'demo-admin' });
    expect(String(metrics.body)).toMatch(/^kairos_events_accepted_total 0$/m);
    expect(platform.output()).not.toContain(CANARY);
    process.stdout.write(`P1: ${PAYLOADS} tried, ${PAYLOADS} held (0 5xx, 0 stored); statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
  }, 300_000);
});
