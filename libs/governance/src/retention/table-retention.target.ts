import type { RetentionCategory } from './retention-policy.schema';
import type { RetentionTarget, RetentionTargetReport, RetentionWindow } from './retention-target';

/**
 * A store whose aged rows go with one repository call (parked events, event index, review cases, drafts, ...). The
 * call answers with the count deleted, or with a full report when it also holds rows back for a stated reason.
 */
export class TableRetentionTarget implements RetentionTarget {
  constructor(
    readonly category: RetentionCategory,
    readonly store: string,
    private readonly deleteBefore: (cutoffMs: number) => Promise<number | RetentionTargetReport>,
  ) {}

  async enforce(window: RetentionWindow): Promise<RetentionTargetReport> {
    const outcome = await this.deleteBefore(window.cutoffMs);
    return typeof outcome === 'number' ? { deleted: outcome } : outcome;
  }
}
