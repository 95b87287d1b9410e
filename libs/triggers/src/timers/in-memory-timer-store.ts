import { KairosError } from '@kairos/contracts';
import { z } from 'zod';
import { DurableTimer, TimerStore } from './timer-store';

const NONE: readonly DurableTimer[] = Object.freeze([]);

const timerSchema = z.strictObject({
  key: z.string().min(1),
  partition: z.number().int().min(0),
  triggerId: z.string().min(1),
  customerId: z.string().min(1),
  dueAtMs: z.number().finite(),
  startedAtMs: z.number().finite(),
  startedBy: z.strictObject({ eventId: z.string().min(1), offset: z.number().int() }),
  dedupeValues: z.string(),
});
const encodedTimersSchema = z.strictObject({ format: z.literal(1), partition: z.number().int().min(0), timers: z.array(timerSchema) });

/** One partition's timers: by key, by owner (trigger → customer) and in a min-heap by due time. */
class PartitionTimers {
  readonly byKey = new Map<string, DurableTimer>();
  readonly byOwner = new Map<string, Map<string, DurableTimer[]>>();
  /** Cancelled timers stay in the heap until they surface or the heap is rebuilt (lazy deletion). */
  heap: DurableTimer[] = [];

  add(timer: DurableTimer): void {
    const replaced = this.byKey.get(timer.key);
    if (replaced !== undefined && replaced.triggerId === timer.triggerId && replaced.customerId === timer.customerId) {
      this.replace(replaced, timer);
      return;
    }
    if (replaced !== undefined) this.remove(timer.key);
    this.byKey.set(timer.key, timer);
    let customers = this.byOwner.get(timer.triggerId);
    if (!customers) this.byOwner.set(timer.triggerId, (customers = new Map()));
    const list = customers.get(timer.customerId);
    if (list) list.push(timer);
    else customers.set(timer.customerId, [timer]);
    heapPush(this.heap, timer);
  }

  /**
   * A timer rescheduled under its key for the same owner (an absence restarted by its start event): the owner's list
   * keeps its entry, moved last as a remove and add would, without dropping and re-creating the list.
   */
  private replace(replaced: DurableTimer, timer: DurableTimer): void {
    this.byKey.set(timer.key, timer);
    const list = this.byOwner.get(timer.triggerId)?.get(timer.customerId) as DurableTimer[];
    const at = list.indexOf(replaced);
    if (at === list.length - 1) list[at] = timer;
    else {
      list.splice(at, 1);
      list.push(timer);
    }
    // The replaced timer stays in the heap as a stale entry (lazy deletion), as after a remove; a rebuild takes
    // the new one from byKey.
    if (this.heap.length > 2 * this.byKey.size + 64) this.rebuildHeap();
    else heapPush(this.heap, timer);
  }

  remove(key: string): boolean {
    const timer = this.byKey.get(key);
    if (!timer) return false;
    this.byKey.delete(key);
    const customers = this.byOwner.get(timer.triggerId);
    const list = customers?.get(timer.customerId);
    if (customers && list) {
      // In place, no copy per removal: callers that cancel while reading `pendingFor` iterate a copy.
      const at = list.indexOf(timer);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) customers.delete(timer.customerId);
      if (customers.size === 0) this.byOwner.delete(timer.triggerId);
    }
    if (this.heap.length > 2 * this.byKey.size + 64) this.rebuildHeap();
    return true;
  }

  due(atMs: number): DurableTimer[] {
    while (this.heap.length > 0 && this.byKey.get(this.heap[0].key) !== this.heap[0]) heapPop(this.heap);
    const out: DurableTimer[] = [];
    const seen = new Set<string>();
    // Depth-first over the heap: a node later than atMs has no due descendants.
    const stack = this.heap.length > 0 ? [0] : [];
    while (stack.length > 0) {
      const i = stack.pop() as number;
      const timer = this.heap[i];
      if (timer.dueAtMs > atMs) continue;
      if (this.byKey.get(timer.key) === timer && !seen.has(timer.key)) {
        seen.add(timer.key);
        out.push(timer);
      }
      if (2 * i + 1 < this.heap.length) stack.push(2 * i + 1);
      if (2 * i + 2 < this.heap.length) stack.push(2 * i + 2);
    }
    return out.sort(byDueThenKey);
  }

  private rebuildHeap(): void {
    this.heap = [];
    for (const timer of this.byKey.values()) heapPush(this.heap, timer);
  }
}

/**
 * Timers in memory, per partition, with `encode`/`decode` so they travel in the partition snapshot. Schedule,
 * cancel and complete are O(log n); `due` visits only due timers.
 */
export class InMemoryTimerStore implements TimerStore {
  private readonly partitions = new Map<number, PartitionTimers>();

  schedule(timer: DurableTimer): void {
    this.timers(timer.partition).add(timer);
  }

  cancel(partition: number, key: string): boolean {
    return this.partitions.get(partition)?.remove(key) ?? false;
  }

  cancelTrigger(partition: number, triggerId: string): number {
    const timers = this.partitions.get(partition);
    const customers = timers?.byOwner.get(triggerId);
    if (!timers || !customers) return 0;
    const keys = [...customers.values()].flatMap((list) => list.map((timer) => timer.key));
    for (const key of keys) timers.remove(key);
    return keys.length;
  }

  pendingFor(partition: number, triggerId: string, customerId: string): readonly DurableTimer[] {
    return this.partitions.get(partition)?.byOwner.get(triggerId)?.get(customerId) ?? NONE;
  }

  due(partition: number, atMs: number): readonly DurableTimer[] {
    return this.partitions.get(partition)?.due(atMs) ?? NONE;
  }

  complete(partition: number, key: string): void {
    this.partitions.get(partition)?.remove(key);
  }

  pending(partition: number): number {
    return this.partitions.get(partition)?.byKey.size ?? 0;
  }

  /** Forgets a partition (after it was revoked and snapshotted). */
  drop(partition: number): void {
    this.partitions.delete(partition);
  }

  /** The partition's pending timers as bytes (JSON, sorted by key: equal state gives equal bytes). */
  encode(partition: number): Uint8Array {
    const timers = [...(this.partitions.get(partition)?.byKey.values() ?? [])].sort((a, b) => compare(a.key, b.key));
    return Buffer.from(JSON.stringify({ format: 1, partition, timers }), 'utf8');
  }

  /** Replaces the partition's timers with decoded ones; VALIDATION_FAILED if the bytes are not such a document. */
  decode(partition: number, bytes: Uint8Array): void {
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      raw = undefined;
    }
    const parsed = encodedTimersSchema.safeParse(raw);
    if (!parsed.success || parsed.data.partition !== partition || parsed.data.timers.some((t) => t.partition !== partition)) {
      throw new KairosError('VALIDATION_FAILED', `timer state of partition ${partition} is unreadable or belongs to another partition`);
    }
    const timers = new PartitionTimers();
    for (const timer of parsed.data.timers) timers.add(timer);
    this.partitions.set(partition, timers);
  }

  private timers(partition: number): PartitionTimers {
    let timers = this.partitions.get(partition);
    if (!timers) this.partitions.set(partition, (timers = new PartitionTimers()));
    return timers;
  }
}

function byDueThenKey(a: DurableTimer, b: DurableTimer): number {
  return a.dueAtMs - b.dueAtMs || compare(a.key, b.key);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function heapPush(heap: DurableTimer[], timer: DurableTimer): void {
  heap.push(timer);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (byDueThenKey(heap[parent], heap[i]) <= 0) break;
    [heap[parent], heap[i]] = [heap[i], heap[parent]];
    i = parent;
  }
}

function heapPop(heap: DurableTimer[]): void {
  const last = heap.pop() as DurableTimer;
  if (heap.length === 0) return;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let smallest = i;
    if (left < heap.length && byDueThenKey(heap[left], heap[smallest]) < 0) smallest = left;
    if (right < heap.length && byDueThenKey(heap[right], heap[smallest]) < 0) smallest = right;
    if (smallest === i) return;
    [heap[smallest], heap[i]] = [heap[i], heap[smallest]];
    i = smallest;
  }
}
