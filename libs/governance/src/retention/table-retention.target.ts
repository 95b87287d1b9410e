import type { RetentionCategory } from './retention-policy.schema';
import type { RetentionTarget, RetentionTargetReport, RetentionWindow } from './retention-target';

/** A store whose aged rows go with one repository call (parked events, event index, review cases, ...). */
export class TableRetentionTarget implements RetentionTarget {
  constructor(
    readonly category: RetentionCategory,
    readonly store: string,
    private readonly deleteBefore: (cutoffMs: number) => Promise<number>,
  ) {}

  async enforce(window: RetentionWindow): Promise<RetentionTargetReport> {
    return { deleted: await this.deleteBefore(window.cutoffMs) };
  }
}
