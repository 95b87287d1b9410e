/**
 * A timer an absence trigger waits on. Timers are partition state like profiles: they live in the partition's
 * snapshot and are re-created by replaying the log after it, so they survive restarts and partition moves.
 */
export interface DurableTimer {
  /** Unique within the partition: trigger, customer and correlation value. */
  readonly key: string;
  readonly partition: number;
  readonly triggerId: string;
  readonly customerId: string;
  readonly dueAtMs: number;
  /** When the awaited window opened (the `after` event's occurredAt); awaited events before it do not count. */
  readonly startedAtMs: number;
  readonly startedBy: { readonly eventId: string; readonly offset: number };
  /** The `dedupeBy` values of the `after` event, joined. */
  readonly dedupeValues: string;
}

/** The port the trigger engine schedules through; an adapter may keep timers elsewhere (a table, a broker). */
export interface TimerStore {
  /** Adds a timer or replaces the one with the same key. */
  schedule(timer: DurableTimer): void;
  /** Removes a pending timer; false if there was none. */
  cancel(partition: number, key: string): boolean;
  /** Removes every pending timer of one trigger (a trigger removed or redefined by a deploy); returns how many. */
  cancelTrigger(partition: number, triggerId: string): number;
  /** Pending timers of one trigger for one customer (the awaited event cancels them): a live view, copy it to cancel while reading. */
  pendingFor(partition: number, triggerId: string, customerId: string): readonly DurableTimer[];
  /** Pending timers due at or before `atMs`, ordered by due time then key. They stay pending until `complete`. */
  due(partition: number, atMs: number): readonly DurableTimer[];
  /** Marks a due timer handled (fired, expired or orphaned). */
  complete(partition: number, key: string): void;
  /** Number of pending timers of the partition. */
  pending(partition: number): number;
}
