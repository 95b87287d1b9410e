import type { AuditInput } from '@kairos/audit';
import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import type { FeatureRegistry, ProfileState } from '@kairos/profile';
import type { CompiledTrigger } from '../definitions/trigger-set';
import type { TimerStore } from '../timers/timer-store';
import type { TriggerCause } from './fired-trigger';

/** A trigger that is ready to fire; the engine applies cooldown, dedupe and the guard, then records the fire. */
export interface FireCandidate {
  readonly trigger: CompiledTrigger;
  readonly customerId: string;
  readonly atMs: number;
  /** What makes this occasion unique for the customer (event id, start event id, local date, ...). */
  readonly occasion: string;
  /** The `dedupeBy` values, joined; '' when the trigger has none. */
  readonly dedupeValues: string;
  readonly cause: TriggerCause;
  readonly evidence: readonly AuditInput[];
  /** Values the guard may read besides features (score triggers: score, previous_score). */
  readonly variables?: Readonly<Record<string, unknown>>;
}

/** A score the scoring runtime computed for a customer; score-change triggers watch these. */
export interface ScoreObservation {
  readonly customerId: string;
  readonly model: string;
  readonly score: number;
  readonly atMs: number;
  readonly modelVersion?: string;
  /** The event the score was computed after; makes the occasion id replay-stable. */
  readonly eventId?: string;
}

/** What an evaluator may use of its engine. */
export interface EvaluatorHost {
  readonly partition: number;
  readonly registry: FeatureRegistry;
  readonly timers: TimerStore;
  readonly defaultTimeZone: string;
  /** The customer's profile (the current event's store first, then the engine's lookup); undefined if unknown. */
  profile(customerId: string): ProfileState | undefined;
  /** True if the candidate fired (cooldown, dedupe and guard passed). */
  offer(candidate: FireCandidate): boolean;
  /**
   * Per-customer state of an event is keyed by the customer, or by the customer and some data `fields` values
   * (`ledgerKey` of the customer and `dataKey`). An evaluator registers its fields once (`keySignature`) and then
   * asks for the event's key and its `StateKeys` number: computed once per event and signature and shared by every
   * trigger that keys the event the same way, since several triggers often read one event.
   */
  keySignature(fields: readonly string[]): number;
  eventKey(event: CustomerEvent, signature: number): string;
  eventKeyNumber(event: CustomerEvent, signature: number): number;
  /**
   * A feature of the event's customer at the event's time, read once per event for every trigger that reads it:
   * register the name once (`featureSlot`), then read by slot. `profile` must be the customer's, as from `profile`.
   */
  featureSlot(name: string): number;
  eventFeature(event: CustomerEvent, profile: ProfileState, slot: number): unknown;
  eventIdHash(event: CustomerEvent): number;
}

/** The per-trigger state machine. Evaluators are deterministic: same calls in the same order, same fires. */
export interface TriggerEvaluator {
  readonly trigger: CompiledTrigger;
  onEvent?(logged: LoggedEvent): void;
  onTick?(nowMs: number): void;
  onScore?(observation: ScoreObservation): void;
  /** Drops everything held about a customer (erasure, Art. 17). */
  forget(customerId: string): void;
  /** Kind-specific counters for metrics (timers scheduled, cancelled, ...); not part of the snapshot. */
  counters?(): Readonly<Record<string, number>>;
  /** Plain JSON state for snapshots; `importState` accepts exactly what `exportState` produced. */
  exportState(): unknown;
  importState(state: unknown): void;
}
