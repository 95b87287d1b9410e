import { capacityLimitSchema, type CapacityLimit, type CapacityPort, type DecisionChannel, type HeldBack, type HoldReason } from '@kairos/decisioning';
import type { CapacityWindowKey, OutboxEntry } from '@kairos/persistence';
import { durationMs } from '@kairos/triggers';
import type { ChannelAdmission } from '../outbox/outbox-dispatcher';
import type { ChannelCapacityState } from './capacity-states';

/** Where the budget's windows live: the database table every process claims from. */
export interface CapacityWindowStore {
  claim(key: CapacityWindowKey, capacity: number, wanted: number, nowMs: number): Promise<{ granted: number; used: number }>;
  usage(keys: readonly CapacityWindowKey[]): Promise<Map<string, number>>;
  prune(beforeMs: number): Promise<number>;
}


export interface SharedCapacityState extends ChannelCapacityState {
  /** `cluster`: `usedInWindow` counts every process's releases, as last read from the database at `readAtMs`. */
  readonly scope: 'cluster';
  readonly windowStartMs: number;
  readonly readAtMs: number | null;
}

interface ChannelLimit {
  readonly channel: string;
  readonly capacity: number;
  readonly windowMs: number;
  readonly overflow: 'defer' | 'drop';
  readonly maxDeferMs: number;
}

interface ChannelBook {
  seen: { windowStartMs: number; used: number; atMs: number } | null;
  /** Rows this process holds back for capacity now (id → when it looks again). */
  readonly waiting: Map<number, number>;
  readonly counts: { submitted: number; released: number; deferrals: number; capacity_exceeded: number; deferred_too_long: number; skipped: number };
  readonly heldBack: HeldBack[];
}

/** A row held back for capacity keeps when it was first held in its last-error note, so `maxDefer` counts from then. */
const HELD_SINCE = 'capacity_deferred_since:';
const HELD_BACK_KEPT = 100;

/**
 * Channel capacity as ONE budget for the whole cluster (KAIROS_CHANNEL_CAPACITY is what the channel takes, not what
 * each process may send).
 *
 * Why a shared window counter in the database rather than per-process shares from the partition directory: the
 * outbox rows are already in that database and every dispatcher already talks to it per batch, so one more row
 * lock per channel and batch costs one round trip, stays exact while processes join, leave or crash (a share would
 * strand the capacity of a dead process until the directory notices, and undershoot when load is uneven across
 * partitions), and needs no rebalancing. Fixed windows (`floor(now / window)`) make the row key computable by
 * everyone without coordination; the price is a burst of up to 2× capacity across a window boundary, which the
 * channels' own rate limits absorb.
 *
 * Admission happens where an action really leaves — the outbox dispatcher — highest priority first within a batch;
 * the rest waits for the next window (`defer`, up to `maxDefer` counted from when it was first held) or is never
 * sent (`drop`). Decisions (synchronous) read the last known use of the current window: a channel whose budget is
 * spent is skipped by the decision pipeline (`capacity:<channel>`), refreshed by every claim and by `refresh()`.
 */
export class SharedChannelBudget {
  private readonly limits = new Map<string, ChannelLimit>();
  private readonly books = new Map<string, ChannelBook>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    limits: readonly CapacityLimit[],
    private readonly store: CapacityWindowStore,
    private readonly clock: () => number = Date.now,
  ) {
    for (const input of limits) {
      const limit = capacityLimitSchema.parse(input);
      const windowMs = durationMs(limit.window);
      this.limits.set(limit.channel, { channel: limit.channel, capacity: limit.capacity, windowMs, overflow: limit.overflow, maxDeferMs: limit.maxDefer ? durationMs(limit.maxDefer) : windowMs });
      this.books.set(limit.channel, { seen: null, waiting: new Map(), counts: { submitted: 0, released: 0, deferrals: 0, capacity_exceeded: 0, deferred_too_long: 0, skipped: 0 }, heldBack: [] });
    }
  }

  /** The `capacity` port of `decide()`: false while the channel's cluster-wide budget of this window is spent. */
  readonly port: CapacityPort = (channel: DecisionChannel, nowMs: number) => {
    const limit = this.limits.get(channel);
    if (!limit) return true;
    const book = this.books.get(channel)!;
    const spent = book.seen !== null && book.seen.windowStartMs === windowStart(limit, nowMs) && book.seen.used >= limit.capacity;
    if (spent) book.counts.skipped++;
    return !spent;
  };

  /** For the outbox dispatcher: claims room for a channel's due rows and says what goes, waits or is dropped. */
  readonly admit = async (channel: string, entries: readonly OutboxEntry[], nowMs: number): Promise<ChannelAdmission> => {
    const limit = this.limits.get(channel);
    if (!limit || entries.length === 0) return { send: entries, wait: [], cancel: [] };
    const book = this.books.get(channel)!;
    const key = { channel, windowStartMs: windowStart(limit, nowMs) };
    const { granted, used } = await this.store.claim(key, limit.capacity, entries.length, nowMs);
    book.seen = { windowStartMs: key.windowStartMs, used, atMs: nowMs };
    const ordered = [...entries].sort((a, b) => b.priority - a.priority || a.id - b.id);
    const send = ordered.slice(0, granted);
    const wait: { entry: OutboxEntry; untilMs: number; note: string }[] = [];
    const cancel: { entry: OutboxEntry; reason: string }[] = [];
    for (const entry of ordered.slice(granted)) {
      const since = heldSince(entry) ?? nowMs;
      const reason: Exclude<HoldReason, 'deferred' | 'queue_full'> | null = limit.overflow === 'drop' ? 'capacity_exceeded' : nowMs - since >= limit.maxDeferMs ? 'deferred_too_long' : null;
      if (reason) {
        cancel.push({ entry, reason: `capacity:${reason}` });
        book.counts[reason]++;
        book.waiting.delete(entry.id);
        note(book, { id: holdId(entry), priority: entry.priority, reason, atMs: nowMs });
        continue;
      }
      const untilMs = key.windowStartMs + limit.windowMs;
      wait.push({ entry, untilMs, note: `${HELD_SINCE}${since}` });
      if (!book.waiting.has(entry.id)) {
        book.counts.deferrals++;
        note(book, { id: holdId(entry), priority: entry.priority, reason: 'deferred', atMs: nowMs });
      }
      book.waiting.set(entry.id, untilMs);
    }
    for (const entry of send) book.waiting.delete(entry.id);
    book.counts.submitted += entries.filter((entry) => heldSince(entry) === null).length;
    book.counts.released += send.length;
    return { send, wait, cancel };
  };

  /** Re-reads the current window of every limited channel (what the other processes used), and prunes old windows. */
  async refresh(nowMs = this.clock()): Promise<void> {
    const keys = [...this.limits.values()].map((limit) => ({ channel: limit.channel, windowStartMs: windowStart(limit, nowMs) }));
    const usage = await this.store.usage(keys);
    for (const key of keys) this.books.get(key.channel)!.seen = { windowStartMs: key.windowStartMs, used: usage.get(key.channel) ?? 0, atMs: nowMs };
    const longest = Math.max(0, ...[...this.limits.values()].map((limit) => limit.windowMs));
    await this.store.prune(nowMs - 2 * longest);
  }

  /** Refreshes every `everyMs` so decisions see the other processes' use; errors go to `onError` (next tick retries). */
  start(everyMs = 1_000, onError: (error: Error) => void = () => undefined): void {
    this.timer ??= setInterval(() => void this.refresh().catch(onError), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  states(nowMs = this.clock()): SharedCapacityState[] {
    return [...this.limits.values()].map((limit) => {
      const book = this.books.get(limit.channel)!;
      const windowStartMs = windowStart(limit, nowMs);
      const used = book.seen?.windowStartMs === windowStartMs ? book.seen.used : 0;
      return {
        channel: limit.channel,
        scope: 'cluster',
        state: used >= limit.capacity ? 'open' : 'closed',
        capacity: limit.capacity,
        windowMs: limit.windowMs,
        windowStartMs,
        readAtMs: book.seen?.atMs ?? null,
        usedInWindow: used,
        queued: book.waiting.size,
        submitted: book.counts.submitted,
        released: book.counts.released,
        deferrals: book.counts.deferrals,
        dropped: { capacity_exceeded: book.counts.capacity_exceeded, deferred_too_long: book.counts.deferred_too_long, queue_full: 0 },
        heldBack: [...book.heldBack],
        skippedByDecisions: book.counts.skipped,
      };
    });
  }
}

function windowStart(limit: ChannelLimit, nowMs: number): number {
  return Math.floor(nowMs / limit.windowMs) * limit.windowMs;
}

function heldSince(entry: OutboxEntry): number | null {
  if (!entry.lastError?.startsWith(HELD_SINCE)) return null;
  const since = Number(entry.lastError.slice(HELD_SINCE.length));
  return Number.isFinite(since) ? since : null;
}

/** Decision and action ids only: held-back lists end up in /metrics and /v1/capacity. */
function holdId(entry: OutboxEntry): string {
  return `${entry.decisionId}/${entry.actionId}`;
}

function note(book: ChannelBook, entry: HeldBack): void {
  book.heldBack.push(entry);
  if (book.heldBack.length > HELD_BACK_KEPT) book.heldBack.shift();
}
