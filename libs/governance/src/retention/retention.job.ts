import type { AuditTrail } from '@kairos/audit';
import { KairosError } from '@kairos/contracts';
import { Logger, createLogger } from '@kairos/observability';
import { Clock, RetentionScheduler, SYSTEM_CLOCK, TIMER_SCHEDULER } from './retention-clock';
import type { LoadedRetentionPolicy } from './retention-policy.loader';
import { RETENTION_CATEGORIES, RetentionCategory } from './retention-policy.schema';
import type { RetentionTarget, RetentionTargetReport } from './retention-target';

export const RETENTION_JOB_COMPONENT = 'retention-job';
const DEFAULT_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface RetentionJobOptions {
  readonly policy: LoadedRetentionPolicy;
  /** Run in the order given; put snapshots before raw_events so the log sees the snapshots that remain. */
  readonly targets: readonly RetentionTarget[];
  readonly audit: AuditTrail;
  readonly clock?: Clock;
  readonly scheduler?: RetentionScheduler;
  /** Time between scheduled runs, ms (default 6 h). */
  readonly intervalMs?: number;
  readonly logger?: Logger;
  readonly version?: string;
}

export interface RetentionStoreReport extends RetentionTargetReport {
  readonly store: string;
  /** Error name or code when this store failed; the other stores still ran. */
  readonly error?: string;
}

/**
 * enforced: every store of the category ran; failed: at least one store failed; not_enforced: no store of the
 * category is wired into this process; minimum_only: audit, whose window is a floor this job never deletes before.
 */
export type RetentionCategoryStatus = 'enforced' | 'failed' | 'not_enforced' | 'minimum_only';

export interface RetentionCategoryReport {
  readonly category: RetentionCategory;
  readonly days: number;
  readonly cutoffMs: number;
  readonly status: RetentionCategoryStatus;
  readonly stores: readonly RetentionStoreReport[];
}

export interface RetentionRunReport {
  readonly ranAtMs: number;
  readonly policyDigest: string;
  readonly categories: readonly RetentionCategoryReport[];
  readonly auditRecordId: string;
}

/**
 * Deletes, store by store, what is older than its category's window (G5), on a schedule and on demand, then writes
 * one `retention_enforced` audit record with the counts. The audit log itself is never a target: its window is a
 * minimum, and pruning a hash chain needs the audit area's own, chain-aware procedure.
 */
export class RetentionJob {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private running: Promise<RetentionRunReport> | null = null;
  private cancelSchedule: (() => void) | null = null;

  constructor(private readonly options: RetentionJobOptions) {
    const audit = options.targets.find((target) => target.category === 'audit');
    if (audit) throw new KairosError('INTERNAL', `the retention job never deletes audit records (target ${audit.store})`);
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.logger = options.logger ?? createLogger({ level: 'silent' });
  }

  /** Starts the schedule; a scheduled run that fails is logged, and the next one tries again. */
  start(): void {
    if (this.cancelSchedule) return;
    this.cancelSchedule = (this.options.scheduler ?? TIMER_SCHEDULER)(this.options.intervalMs ?? DEFAULT_INTERVAL_MS, () => {
      this.runNow().catch((error: Error) => this.logger.error({ err: error.name, message: error.message }, 'scheduled retention run failed'));
    });
  }

  async stop(): Promise<void> {
    this.cancelSchedule?.();
    this.cancelSchedule = null;
    await this.running?.catch(() => undefined);
  }

  /** One run now; a call while a run is going joins that run instead of starting a second. */
  runNow(): Promise<RetentionRunReport> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<RetentionRunReport> {
    const nowMs = this.clock.now();
    const { policy, digest } = this.options.policy;
    const stores = new Map<RetentionCategory, RetentionStoreReport[]>();
    for (const target of this.options.targets) {
      const retentionMs = this.options.policy.retentionMs(target.category);
      const list = stores.get(target.category) ?? [];
      stores.set(target.category, list);
      try {
        const report = await target.enforce({ retentionMs, nowMs, cutoffMs: nowMs - retentionMs });
        list.push({ store: target.store, ...report });
      } catch (error) {
        const code = error instanceof KairosError ? error.code : (error as Error).name;
        this.logger.error({ category: target.category, store: target.store, err: code, message: (error as Error).message }, 'retention target failed');
        list.push({ store: target.store, deleted: 0, error: code });
      }
    }
    const categories = RETENTION_CATEGORIES.map((category): RetentionCategoryReport => {
      const days = policy.categories[category].days;
      const ran = stores.get(category) ?? [];
      const status: RetentionCategoryStatus =
        category === 'audit' ? 'minimum_only' : ran.length === 0 ? 'not_enforced' : ran.some((s) => s.error) ? 'failed' : 'enforced';
      return { category, days, cutoffMs: nowMs - this.options.policy.retentionMs(category), status, stores: ran };
    });
    const receipt = await this.options.audit.append({
      kind: 'retention_enforced',
      actor: { type: 'component', component: RETENTION_JOB_COMPONENT, version: this.options.version ?? '1' },
      output: { policyDigest: digest, categories },
      reasons: categories.filter((c) => c.status === 'failed' || c.status === 'not_enforced').map((c) => `${c.status}:${c.category}`),
      occurredAtMs: nowMs,
    });
    const deleted = categories.reduce((sum, c) => sum + c.stores.reduce((n, s) => n + s.deleted, 0), 0);
    this.logger.info({ deleted, auditRecordId: receipt.id }, 'retention run finished');
    return { ranAtMs: nowMs, policyDigest: digest, categories, auditRecordId: receipt.id };
  }
}
