import type { RetentionCategory } from './retention-policy.schema';

/** The window a target enforces in one run. */
export interface RetentionWindow {
  readonly retentionMs: number;
  readonly nowMs: number;
  /** nowMs - retentionMs: what was recorded before this goes. */
  readonly cutoffMs: number;
}

/** What a target did; counts and store names only (they go into an audit record, which never holds personal data). */
export interface RetentionTargetReport {
  readonly deleted: number;
  /** Past the window but kept for a stated reason (a consumer has not committed it, newest valid snapshot, ...). */
  readonly heldBack?: number;
  readonly detail?: Readonly<Record<string, number | string>>;
}

/**
 * One store of one data category that the retention job cleans. The job owns the policy and the clock; a target
 * deletes what is older than the cutoff in its store. Areas plug their own targets in at wiring time (consent
 * records, drafts, inactive profiles), so the job never reaches into another area's tables.
 */
export interface RetentionTarget {
  readonly category: RetentionCategory;
  /** Short, fixed name of the store (e.g. `embedded-log`, `review_cases`). */
  readonly store: string;
  enforce(window: RetentionWindow): Promise<RetentionTargetReport>;
}
