import type { ValidationIssue } from '@kairos/contracts';

export interface RejectedEvent {
  /** Position of the event in the request's `events` array (0 for a single-event body). */
  readonly index: number;
  readonly issues: readonly ValidationIssue[];
}

/** The 202 body of `POST /v1/events`: what became of every event of the request. */
export interface IngestionResult {
  readonly accepted: number;
  readonly duplicates: number;
  /** Accepted and stored, waiting for their identifier to be linked to a customer. */
  readonly parked: number;
  readonly rejected: readonly RejectedEvent[];
}
