import { durationMs, durationSchema } from '@kairos/triggers';
import { z } from 'zod';
import { decisionChannelSchema } from '../catalog/action-catalog.schema';

export const capacityLimitSchema = z.strictObject({
  channel: decisionChannelSchema,
  /** Actions per window, e.g. 120 callbacks per 1h, 600 SMS per 1m. */
  capacity: z.number().int().min(0).max(1_000_000),
  window: durationSchema,
  /** What happens to actions beyond capacity: wait for room (up to `maxDefer`) or be dropped at once. */
  overflow: z.enum(['defer', 'drop']),
  maxDefer: durationSchema.optional(),
  maxQueue: z.number().int().min(1).max(1_000_000).default(10_000),
});
export type CapacityLimit = z.input<typeof capacityLimitSchema>;

export type HoldReason = 'deferred' | 'capacity_exceeded' | 'deferred_too_long' | 'queue_full';

export interface PendingAction<T> {
  readonly id: string;
  readonly priority: number;
  readonly submittedAtMs: number;
  readonly payload: T;
}

export interface HeldBack {
  readonly id: string;
  readonly priority: number;
  readonly reason: HoldReason;
  readonly atMs: number;
}

export interface BreakerRelease<T> {
  readonly released: readonly PendingAction<T>[];
  readonly dropped: readonly (PendingAction<T> & { readonly reason: HoldReason })[];
  /** Still waiting after this release. */
  readonly deferred: number;
}

export interface BreakerState {
  readonly channel: string;
  /** `closed`: room in the window; `open`: capacity used up, actions are held back. */
  readonly state: 'closed' | 'open';
  readonly capacity: number;
  readonly windowMs: number;
  readonly usedInWindow: number;
  readonly queued: number;
  readonly submitted: number;
  readonly released: number;
  readonly deferrals: number;
  readonly dropped: Readonly<Record<Exclude<HoldReason, 'deferred'>, number>>;
  /** The most recent hold-backs, newest last (bounded). */
  readonly heldBack: readonly HeldBack[];
}

const HELD_BACK_KEPT = 100;

/**
 * Capacity of one channel over a sliding window. Actions queue with their arbitration priority; `release` lets
 * through the highest priorities that fit in the window and defers or drops the rest by policy, recording what it
 * held back and why. Time is passed in, so it is deterministic and testable with a fake clock.
 */
export class ChannelCircuitBreaker<T = unknown> {
  readonly channel: string;
  private readonly capacity: number;
  private readonly windowMs: number;
  private readonly overflow: 'defer' | 'drop';
  private readonly maxDeferMs: number;
  private readonly maxQueue: number;
  /** Release times of the last `capacity` releases, a ring. */
  private readonly releases: Float64Array;
  private head = 0;
  private lastNowMs = Number.NEGATIVE_INFINITY;
  private queue: PendingAction<T>[] = [];
  private readonly everDeferred = new Set<string>();
  private readonly heldBack: HeldBack[] = [];
  private counts = { submitted: 0, released: 0, deferrals: 0, capacity_exceeded: 0, deferred_too_long: 0, queue_full: 0 };

  constructor(limit: CapacityLimit) {
    const parsed = capacityLimitSchema.parse(limit);
    this.channel = parsed.channel;
    this.capacity = parsed.capacity;
    this.windowMs = durationMs(parsed.window);
    this.overflow = parsed.overflow;
    this.maxDeferMs = parsed.maxDefer ? durationMs(parsed.maxDefer) : this.windowMs;
    this.maxQueue = parsed.maxQueue;
    this.releases = new Float64Array(parsed.capacity).fill(Number.NEGATIVE_INFINITY);
  }

  /** Queues an action; when the queue is full the lowest priority (possibly this one) is dropped. */
  submit(action: PendingAction<T>): void {
    this.counts.submitted++;
    this.queue.push(action);
    if (this.queue.length <= this.maxQueue) return;
    this.queue.sort(byPriority);
    const lowest = this.queue.pop() as PendingAction<T>;
    this.hold(lowest, 'queue_full', action.submittedAtMs);
  }

  /** Lets through what fits now, highest priority first; the rest waits (defer) or is dropped (drop). */
  release(at: number): BreakerRelease<T> {
    // Release times must not run backwards (the ring stays sorted): a late clock reads as the last one.
    const nowMs = Math.max(at, this.lastNowMs);
    this.lastNowMs = nowMs;
    this.queue.sort(byPriority);
    const room = this.room(nowMs);
    const released = this.queue.splice(0, room);
    for (const action of released) {
      this.releases[this.head] = nowMs;
      this.head = (this.head + 1) % Math.max(1, this.capacity);
      this.everDeferred.delete(action.id);
    }
    this.counts.released += released.length;
    const dropped: (PendingAction<T> & { reason: HoldReason })[] = [];
    const waiting: PendingAction<T>[] = [];
    for (const action of this.queue) {
      const reason = this.overflow === 'drop' ? 'capacity_exceeded' : nowMs - action.submittedAtMs >= this.maxDeferMs ? 'deferred_too_long' : null;
      if (reason) {
        dropped.push({ ...action, reason });
        this.hold(action, reason, nowMs);
      } else {
        waiting.push(action);
        if (!this.everDeferred.has(action.id)) {
          this.everDeferred.add(action.id);
          this.counts.deferrals++;
          this.note({ id: action.id, priority: action.priority, reason: 'deferred', atMs: nowMs });
        }
      }
    }
    this.queue = waiting;
    return { released, dropped, deferred: waiting.length };
  }

  /** Whether a new action could go out now without waiting (the decision pipeline's capacity port). */
  available(nowMs: number): boolean {
    return this.room(nowMs) > this.queue.length;
  }

  state(nowMs: number): BreakerState {
    const used = this.capacity - this.room(nowMs);
    return {
      channel: this.channel,
      state: used >= this.capacity ? 'open' : 'closed',
      capacity: this.capacity,
      windowMs: this.windowMs,
      usedInWindow: used,
      queued: this.queue.length,
      submitted: this.counts.submitted,
      released: this.counts.released,
      deferrals: this.counts.deferrals,
      dropped: { capacity_exceeded: this.counts.capacity_exceeded, deferred_too_long: this.counts.deferred_too_long, queue_full: this.counts.queue_full },
      heldBack: [...this.heldBack],
    };
  }

  /**
   * Free slots: the ring holds the last `capacity` release times, oldest at `head`; those at or before the window
   * start are free. Releases are written in time order, so a binary search finds the boundary.
   */
  private room(nowMs: number): number {
    const cutoff = Math.max(nowMs, this.lastNowMs) - this.windowMs;
    let low = 0;
    let high = this.capacity;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.releases[(this.head + mid) % this.capacity] <= cutoff) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private hold(action: PendingAction<T>, reason: Exclude<HoldReason, 'deferred'>, atMs: number): void {
    this.counts[reason]++;
    this.everDeferred.delete(action.id);
    this.note({ id: action.id, priority: action.priority, reason, atMs });
  }

  private note(entry: HeldBack): void {
    this.heldBack.push(entry);
    if (this.heldBack.length > HELD_BACK_KEPT) this.heldBack.shift();
  }
}

function byPriority(a: PendingAction<unknown>, b: PendingAction<unknown>): number {
  return b.priority - a.priority || a.submittedAtMs - b.submittedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
