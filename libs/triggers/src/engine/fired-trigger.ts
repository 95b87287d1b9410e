import type { AuditActor, AuditInput, AuditRecordDraft } from '@kairos/audit';
import type { EventType } from '@kairos/contracts';
import type { TriggerKind } from '../definitions/trigger-definition.schema';

/** Why a trigger fired: the event that completed it, the timer that ran out, the calendar day or the score. */
export type TriggerCause =
  | { readonly type: 'event'; readonly eventId: string; readonly eventType: EventType; readonly offset: number }
  | { readonly type: 'timer'; readonly timerKey: string; readonly startedByEventId: string; readonly startedByOffset: number; readonly dueAtMs: number }
  | { readonly type: 'calendar'; readonly localDate: string; readonly timeZone: string }
  | { readonly type: 'score'; readonly model: string; readonly modelVersion: string | null; readonly previous: number | null; readonly current: number; readonly eventId?: string };

/** One fire of one trigger for one customer: what the runtime turns into a decision, a trace entry and an audit record. */
export interface FiredTrigger {
  readonly triggerId: string;
  readonly triggerVersion: number;
  readonly kind: TriggerKind;
  readonly partition: number;
  readonly customerId: string;
  /**
   * Deterministic id of the occasion (trigger, version, customer and what completed it): a replay of the same
   * history fires with the same id, so the outbox can drop the second copy.
   */
  readonly occasionId: string;
  readonly firedAtMs: number;
  /** Until when the fire counts as decision context. */
  readonly validUntilMs: number;
  readonly cause: TriggerCause;
  /** The values the trigger saw (counts, features, scores); never names or contact data. */
  readonly evidence: readonly AuditInput[];
  /** Action ids the trigger proposes to the decision pipeline. */
  readonly proposes: readonly string[];
  /** Offset of the newest event of the partition the engine had applied when it fired (R3 `stateOffset`). */
  readonly stateOffset: number;
}

/** A fire as remembered per customer for decision context (`triggers` in expressions). */
export interface RecentFire {
  readonly triggerId: string;
  readonly occasionId: string;
  readonly firedAtMs: number;
  readonly validUntilMs: number;
}

/** The `trigger_fired` audit record of a fire. */
export function triggerAuditDraft(fired: FiredTrigger, actor: AuditActor): AuditRecordDraft {
  return {
    kind: 'trigger_fired',
    actor,
    subject: fired.customerId,
    inputs: fired.evidence,
    logic: { triggerId: `${fired.triggerId}@${fired.triggerVersion}` },
    output: {
      occasionId: fired.occasionId,
      kind: fired.kind,
      cause: fired.cause,
      proposes: fired.proposes,
      validUntil: new Date(fired.validUntilMs).toISOString(),
      stateOffset: fired.stateOffset,
    },
    reasons: [`trigger_fired:${fired.triggerId}`],
    occurredAtMs: fired.firedAtMs,
  };
}
