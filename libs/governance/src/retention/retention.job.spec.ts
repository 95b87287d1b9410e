import { KairosError } from '@kairos/contracts';
import { RecordingAuditTrail } from './audit-trail-test-support';
import { ManualClock, RetentionScheduler } from './retention-clock';
import { loadRetentionPolicyFile } from './retention-policy.loader';
import { DAY_MS } from './retention-policy.schema';
import type { RetentionTarget, RetentionWindow } from './retention-target';
import { RetentionJob, RetentionRunReport } from './retention.job';

const NOW = Date.UTC(2026, 10, 23);
const policy = loadRetentionPolicyFile();

class FakeTarget implements RetentionTarget {
  readonly windows: RetentionWindow[] = [];
  constructor(
    readonly category: RetentionTarget['category'],
    readonly store: string,
    private readonly outcome: () => Promise<{ deleted: number; heldBack?: number }>,
  ) {}
  async enforce(window: RetentionWindow) {
    this.windows.push(window);
    return this.outcome();
  }
}

const categoryOf = (report: RetentionRunReport, name: string) => report.categories.find((c) => c.category === name)!;

describe('RetentionJob', () => {
  it('gives every target the cutoff of its own category and audits one retention_enforced record with counts only', async () => {
    const audit = new RecordingAuditTrail();
    const raw = new FakeTarget('raw_events', 'embedded-log', async () => ({ deleted: 12, heldBack: 3 }));
    const parked = new FakeTarget('parked_events', 'parked_events', async () => ({ deleted: 4 }));
    const job = new RetentionJob({ policy, targets: [raw, parked], audit, clock: new ManualClock(NOW) });

    const report = await job.runNow();
    expect(raw.windows).toEqual([{ retentionMs: 395 * DAY_MS, nowMs: NOW, cutoffMs: NOW - 395 * DAY_MS }]);
    expect(parked.windows[0].cutoffMs).toBe(NOW - 30 * DAY_MS);
    expect(categoryOf(report, 'raw_events')).toEqual(
      expect.objectContaining({ status: 'enforced', days: 395, stores: [{ store: 'embedded-log', deleted: 12, heldBack: 3 }] }),
    );
    expect(categoryOf(report, 'audit').status).toBe('minimum_only');
    expect(categoryOf(report, 'consent_records').status).toBe('not_enforced');

    const [record] = audit.ofKind('retention_enforced');
    expect(audit.records).toHaveLength(1);
    expect(record).toEqual(
      expect.objectContaining({
        actor: { type: 'component', component: 'retention-job', version: '1' },
        occurredAtMs: NOW,
        output: { policyDigest: policy.digest, categories: report.categories },
      }),
    );
    expect(record.subject).toBeUndefined();
    expect(record.personalData).toBeUndefined();
    expect(record.reasons).toEqual(expect.arrayContaining(['not_enforced:consent_records', 'not_enforced:drafts', 'not_enforced:profiles']));
    expect(report.auditRecordId).toBe('audit-1');
  });

  it('moves its cutoffs with the clock', async () => {
    const clock = new ManualClock(NOW);
    const target = new FakeTarget('review_cases', 'review_cases', async () => ({ deleted: 0 }));
    const job = new RetentionJob({ policy, targets: [target], audit: new RecordingAuditTrail(), clock });
    await job.runNow();
    clock.advance(10 * DAY_MS);
    await job.runNow();
    expect(target.windows.map((w) => w.cutoffMs - target.windows[0].cutoffMs)).toEqual([0, 10 * DAY_MS]);
  });

  it('runs the other stores when one fails, reports it as failed by error code, and audits that', async () => {
    const audit = new RecordingAuditTrail();
    const broken = new FakeTarget('raw_events', 'kafka', async () => {
      throw new KairosError('LOG_UNAVAILABLE', 'broker down');
    });
    const fine = new FakeTarget('event_index', 'event_index', async () => ({ deleted: 2 }));
    const report = await new RetentionJob({ policy, targets: [broken, fine], audit, clock: new ManualClock(NOW) }).runNow();
    expect(categoryOf(report, 'raw_events')).toEqual(expect.objectContaining({ status: 'failed', stores: [{ store: 'kafka', deleted: 0, error: 'LOG_UNAVAILABLE' }] }));
    expect(categoryOf(report, 'event_index').status).toBe('enforced');
    expect(audit.records[0].reasons).toContain('failed:raw_events');
  });

  it('fails the run when the audit record cannot be written', async () => {
    const audit = new RecordingAuditTrail();
    audit.failNext = true;
    const job = new RetentionJob({ policy, targets: [], audit, clock: new ManualClock(NOW) });
    await expect(job.runNow()).rejects.toThrow('audit log unavailable');
    await expect(job.runNow()).resolves.toEqual(expect.objectContaining({ ranAtMs: NOW }));
  });

  it('refuses an audit target: the audit window is a minimum this job never deletes before', () => {
    const audit = new FakeTarget('audit', 'audit_records', async () => ({ deleted: 1 }));
    expect(() => new RetentionJob({ policy, targets: [audit], audit: new RecordingAuditTrail() })).toThrow(/never deletes audit records/);
  });

  it('joins a run in progress instead of starting a second, and runs on its schedule until stopped', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const slow = new FakeTarget('drafts', 'drafts', async () => {
      calls++;
      await gate;
      return { deleted: 1 };
    });
    let scheduled: (() => void) | null = null;
    let cancelled = false;
    const scheduler: RetentionScheduler = (intervalMs, task) => {
      expect(intervalMs).toBe(60_000);
      scheduled = task;
      return () => void (cancelled = true);
    };
    const audit = new RecordingAuditTrail();
    const job = new RetentionJob({ policy, targets: [slow], audit, clock: new ManualClock(NOW), scheduler, intervalMs: 60_000 });
    job.start();
    const first = job.runNow();
    scheduled!();
    const second = job.runNow();
    release();
    await expect(Promise.all([first, second])).resolves.toHaveLength(2);
    expect(calls).toBe(1);
    scheduled!();
    await job.stop();
    expect(calls).toBe(2);
    expect(cancelled).toBe(true);
    expect(audit.records).toHaveLength(2);
  });
});
