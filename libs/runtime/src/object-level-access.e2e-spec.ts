import fc from 'fast-check';
import { requestJson } from '@kairos/testing';
import { useInProcessPlatform } from './testing/in-process-platform';

/**
 * Reliability test Z2 on the platform's governance surface: object-level (BOLA) — principals that must not touch a
 * customer's consents, export, erasure, reviews or the audit log try it for generated customers — and
 * property-level (BOPLA) — bodies that carry fields nobody may set (server-assigned ids, statuses, offsets,
 * prototype keys) are refused with 400 naming the field, and nothing of them is stored.
 */
const OUTSIDERS = ['demo-channel', 'demo-channel-ivr', 'demo-channel-atm', 'demo-channel-app', 'demo-rule-modeler', 'demo-data-scientist', 'demo-content-author', 'demo-content-reviewer'];
const CONSENT = { purpose: 'marketing', channel: 'email', status: 'given', method: 'web_form', noticeId: 'privacy-notice', noticeVersion: '1.2', evidenceRef: 'ev-1' };
const FORBIDDEN_FIELDS = ['consentId', 'partition', 'offset', 'logOffset', 'customerId', 'recordedBy', 'auditedAt', '__proto__', 'constructor', 'inForce', 'status_override'];

describe('Z2: object- and property-level authorization on governance routes', () => {
  const platform = useInProcessPlatform('z2');

  it('refuses 1,000 generated cross-customer reads and writes by principals without the right, and stores nothing', async () => {
    const requests = fc.sample(
      fc.record({
        key: fc.constantFrom(...OUTSIDERS),
        customer: fc.stringMatching(/^[a-z][a-z0-9-]{2,20}$/),
        route: fc.constantFrom(
          { method: 'GET', path: (c: string) => `/v1/customers/${c}/consents` },
          { method: 'PUT', path: (c: string) => `/v1/customers/${c}/consents`, body: { ...CONSENT, capturedAt: new Date().toISOString() } },
          { method: 'POST', path: (c: string) => `/v1/customers/${c}/objections`, body: { scope: 'profiling' } },
          { method: 'GET', path: (c: string) => `/v1/customers/${c}/export` },
          { method: 'POST', path: (c: string) => `/v1/customers/${c}/erasure`, body: {} },
          { method: 'POST', path: (c: string) => `/v1/customers/${c}/reviews`, body: { decisionId: 'd-1' } },
          { method: 'GET', path: (c: string) => `/v1/audit?customerId=${c}` },
          { method: 'GET', path: () => '/v1/reviews' },
        ),
      }),
      { numRuns: 1_000, seed: 2026 },
    );
    const leaks: string[] = [];
    for (const { key, customer, route } of requests) {
      const response = await requestJson(platform.baseUrl(), route.method, route.path(customer), { apiKey: key, body: 'body' in route ? route.body : undefined });
      if (response.status !== 403) leaks.push(`${key} ${route.method} ${route.path(customer)}: ${response.status}`);
    }
    expect(leaks.slice(0, 10)).toEqual([]);
    const stored = await requestJson(platform.baseUrl(), 'GET', '/v1/audit?kind=consent_changed', { apiKey: 'demo-dpo' });
    expect(stored.body.records).toEqual([]);
    process.stdout.write(`Z2 (BOLA): ${requests.length} tried, ${requests.length - leaks.length} held\n`);
  }, 120_000);

  it('refuses 500 bodies with fields nobody may set, naming the field, and stores none of them', async () => {
    const bodies = fc.sample(
      fc.record({
        field: fc.constantFrom(...FORBIDDEN_FIELDS),
        value: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant({ polluted: true })),
        target: fc.constantFrom('consents', 'objections', 'reviews', 'erasure'),
      }),
      { numRuns: 500, seed: 7 },
    );
    const failures: string[] = [];
    for (const [index, { field, value, target }] of bodies.entries()) {
      const customer = `z2-bopla-${index}`;
      const base: Record<string, unknown> =
        target === 'consents' ? { ...CONSENT, capturedAt: new Date().toISOString() } : target === 'objections' ? { scope: 'profiling' } : target === 'reviews' ? { decisionId: 'd-1' } : {};
      // Raw JSON so `__proto__` travels as a real own key, as an attacker would send it.
      const text = JSON.stringify(base).replace(/^\{/, () => `{${JSON.stringify(field)}:${JSON.stringify(value)}${Object.keys(base).length > 0 ? ',' : ''}`);
      const method = target === 'consents' ? 'PUT' : 'POST';
      const response = await fetch(`${platform.baseUrl()}/v1/customers/${customer}/${target}`, {
        method,
        headers: { authorization: 'Bearer demo-dpo', 'content-type': 'application/json' },
        body: text,
      });
      const answer = (await response.json()) as { issues?: { path: string; rule: string }[] };
      const named = answer.issues?.some((issue) => issue.path.includes(field) || issue.rule.includes('unrecognized')) ?? false;
      if (response.status !== 400 || !named) failures.push(`${target} with ${field}: ${response.status} ${JSON.stringify(answer).slice(0, 200)}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(Object.prototype).not.toHaveProperty('polluted');
    for (const kind of ['consent_changed', 'objection_recorded', 'review_requested', 'dsr_executed']) {
      const audit = await requestJson(platform.baseUrl(), 'GET', `/v1/audit?kind=${kind}`, { apiKey: 'demo-dpo' });
      expect({ kind, records: audit.body.records }).toEqual({ kind, records: [] });
    }
    process.stdout.write(`Z2 (BOPLA): ${bodies.length} tried, ${bodies.length - failures.length} held\n`);
  }, 120_000);
});
