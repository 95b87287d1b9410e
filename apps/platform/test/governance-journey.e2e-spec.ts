import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, loginEvent, requestJson, startPlatformProcess } from '@kairos/testing';

/**
 * A data-protection officer's journey on the embedded platform over a real socket: personal data arrives, consent
 * is given and withdrawn, a channel tries to read the audit log, the customer is erased — and afterwards the
 * audit chain still verifies, every step is in it, and no canary of the person's data is left anywhere on disk or
 * in the process's output (G4 at platform level, A6, denial auditing).
 */
const CANARY_NAME = 'CanaryVorname-7f3a';
const CANARY_EMAIL = 'canary-7f3a@example.org';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('governance journey on the platform (embedded mode, real socket)', () => {
  let dataDir: string;
  let platform: PlatformProcess;
  const dpo = (method: string, path: string, body?: unknown) => requestJson(platform.baseUrl, method, path, { apiKey: 'demo-dpo', body });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kairos-gov-'));
    platform = await startPlatformProcess({ dataDir, env: { KAIROS_DEMO_POPULATION: 'false' } });
  });

  afterAll(async () => {
    await platform.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records consent, audits denials, erases the person and still verifies, with no personal data left', async () => {
    const customerId = 'gov-c-1';
    const registered = {
      id: 'gov-e-1',
      type: 'customer_registered',
      customerId,
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      source: 'core-banking',
      data: { birthDate: '1990-02-03', country: 'DE', language: 'de', firstName: CANARY_NAME, contact: { email: CANARY_EMAIL } },
    };
    const ingest = await requestJson(platform.baseUrl, 'POST', '/v1/events', { apiKey: 'demo-channel', body: { events: [registered, loginEvent(customerId)] } });
    expect(ingest.body).toEqual(expect.objectContaining({ accepted: 2 }));

    const consent = { purpose: 'marketing', channel: 'email', method: 'web_form', capturedAt: new Date().toISOString(), noticeId: 'privacy-notice', noticeVersion: '1.2', evidenceRef: 'form-4711' };
    const given = await dpo('PUT', `/v1/customers/${customerId}/consents`, { ...consent, status: 'given' });
    expect(given).toEqual(expect.objectContaining({ status: 200, body: expect.objectContaining({ inForce: true, audited: true }) }));
    const withdrawn = await dpo('PUT', `/v1/customers/${customerId}/consents`, { ...consent, status: 'withdrawn' });
    expect(withdrawn.status).toBe(200);
    const overview = await dpo('GET', `/v1/customers/${customerId}/consents`);
    expect(overview.body.state.purposes.marketing.email).toBe('withdrawn');
    expect(overview.body.history).toHaveLength(2);

    // A channel never reads the audit log; the refusal itself is audited.
    await expect(requestJson(platform.baseUrl, 'GET', '/v1/audit', { apiKey: 'demo-channel' })).resolves.toEqual(expect.objectContaining({ status: 403 }));

    const erasure = await dpo('POST', `/v1/customers/${customerId}/erasure`, {});
    expect(erasure.status).toBe(200);
    expect(erasure.body.status).toBe('completed');
    await expect(requestJson(platform.baseUrl, 'GET', `/v1/customers/${customerId}/profile`, { apiKey: 'demo-admin' })).resolves.toEqual(expect.objectContaining({ status: 404 }));
    const exported = await dpo('GET', `/v1/customers/${customerId}/export`);
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).not.toContain(CANARY_NAME);
    expect(JSON.stringify(exported.body)).not.toContain(CANARY_EMAIL);

    const kinds = async (kind: string, subject?: string) => {
      const query = new URLSearchParams({ kind, ...(subject ? { customerId: subject } : {}) });
      const page = await dpo('GET', `/v1/audit?${query.toString()}`);
      expect(page.status).toBe(200);
      return page.body.records as { id: string; kind: string }[];
    };
    await expect(kinds('consent_changed', customerId)).resolves.toHaveLength(2);
    await expect(kinds('access_denied')).resolves.not.toHaveLength(0);
    const erasureRecords = await kinds('dsr_executed', customerId);
    expect(erasureRecords.length).toBeGreaterThanOrEqual(2); // the export and the erasure

    const explanation = await dpo('GET', `/v1/audit/records/${erasureRecords[erasureRecords.length - 1].id}/explanation?lang=de`);
    expect(explanation.status).toBe(200);
    expect(JSON.stringify(explanation.body)).not.toContain(CANARY_NAME);

    const verification = await dpo('GET', '/v1/audit/verify');
    expect(verification.body).toEqual(expect.objectContaining({ ok: true }));
    // two consent changes, the denial, the export and the erasure
    expect(verification.body.recordsVerified).toBeGreaterThanOrEqual(5);

    // G4: no plaintext canary in any file of the data directory (SQLite files with their WAL, snapshots, keys,
    // checkpoints) nor in anything the process printed.
    const hits = filesUnder(dataDir).filter((file) => {
      const bytes = readFileSync(file);
      return bytes.includes(CANARY_NAME) || bytes.includes(CANARY_EMAIL);
    });
    expect(hits).toEqual([]);
    expect(platform.output()).not.toContain(CANARY_NAME);
    expect(platform.output()).not.toContain(CANARY_EMAIL);
  }, 60_000);
});
