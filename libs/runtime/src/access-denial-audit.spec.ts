import type { AuditRecordDraft, AuditTrail } from '@kairos/audit';
import { KairosMetrics, createLogger } from '@kairos/observability';
import { auditAccessDenials } from './access-denial-audit';

class RecordingTrail implements AuditTrail {
  readonly drafts: AuditRecordDraft[] = [];
  async append(draft: AuditRecordDraft) {
    this.drafts.push(draft);
    return { id: `r-${this.drafts.length}`, chain: 0, sequence: this.drafts.length, hash: 'h' };
  }
}

describe('auditing access denials', () => {
  const route = { method: 'GET', path: '/v1/audit' };

  it('records every denial of an identified principal with the route template and reason, never the URL', () => {
    const trail = new RecordingTrail();
    const sink = auditAccessDenials(trail, new KairosMetrics(), createLogger({ level: 'silent' }), () => 0);
    for (let i = 0; i < 200; i++) sink({ id: 'key-7', role: 'channel', channel: 'web', kind: 'api-key' }, route, 'not-permitted');
    expect(trail.drafts).toHaveLength(200);
    expect(trail.drafts[0]).toEqual({
      kind: 'access_denied',
      actor: { type: 'principal', principalId: 'key-7', role: 'channel' },
      output: { method: 'GET', route: '/v1/audit' },
      reasons: ['access_denied:not-permitted'],
    });
  });

  it('caps anonymous denials per second in the log and counts every one in the metrics', async () => {
    const trail = new RecordingTrail();
    const metrics = new KairosMetrics();
    let now = 1_000;
    const sink = auditAccessDenials(trail, metrics, createLogger({ level: 'silent' }), () => now);
    for (let i = 0; i < 500; i++) sink(null, route, 'invalid-credentials');
    now += 1_000;
    for (let i = 0; i < 10; i++) sink(null, route, 'missing-credentials');
    expect(trail.drafts).toHaveLength(60);
    const counted = (await metrics.accessDenied.get()).values.reduce((sum, value) => sum + value.value, 0);
    expect(counted).toBe(510);
  });
});
