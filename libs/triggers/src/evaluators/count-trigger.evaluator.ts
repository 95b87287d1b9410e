import type { LoggedEvent } from '@kairos/contracts';
import { z } from 'zod';
import { dataKey } from '../definitions/event-match';
import type { CompiledCountTrigger } from '../definitions/trigger-set';
import { CustomerRows, grownColumn } from '../engine/customer-rows';
import type { EvaluatorHost, TriggerEvaluator } from '../engine/evaluator-host';
import { invalidState } from './evaluator-state';

const stateSchema = z.strictObject({
  keys: z.array(z.string()),
  times: z.array(z.array(z.number())),
  ids: z.array(z.array(z.number().int())),
});

/**
 * Per customer, the `atLeast` newest matching event times, sorted (a ring of fixed size in a typed array). The
 * count within the window reaches `atLeast` exactly when newest − oldest ≤ window, so the check is O(atLeast)
 * with no per-event allocation, and late events land in their place by occurrence time.
 */
export class CountTriggerEvaluator implements TriggerEvaluator {
  private times = new Float64Array(0);
  private ids = new Int32Array(0);
  private filled = new Uint8Array(0);
  private rows: CustomerRows;
  private readonly n: number;
  /** Triggers counting by the same dedupe fields share the event's state key (EvaluatorHost.keySignature). */
  private readonly signature: number;

  constructor(
    readonly trigger: CompiledCountTrigger,
    private readonly host: EvaluatorHost,
  ) {
    this.n = trigger.definition.atLeast;
    this.signature = host.keySignature(trigger.definition.dedupeBy);
    this.rows = this.newRows();
  }

  onEvent(logged: LoggedEvent): void {
    const event = logged.event;
    if (event.type !== this.trigger.definition.event.type || !this.trigger.matches(event)) return;
    // Counted per customer, or per customer and dedupe values ("three failures on the same card").
    const number = this.host.eventKeyNumber(event, this.signature);
    let row = this.rows.linked(number);
    if (row < 0) row = this.rows.ensureAt(number, this.host.eventKey(event, this.signature));
    const wasComplete = this.complete(row);
    if (!this.insert(row, event.occurredAtMs, this.host.eventIdHash(event)) || wasComplete || !this.complete(row)) return;
    const dedupeValues = dataKey(event, this.trigger.definition.dedupeBy);
    this.host.offer({
      trigger: this.trigger,
      customerId: event.customerId,
      atMs: event.occurredAtMs,
      occasion: event.id,
      dedupeValues,
      cause: { type: 'event', eventId: event.id, eventType: event.type, offset: logged.offset },
      evidence: [{ feature: `${event.type} count within ${this.trigger.definition.within}`, value: this.n }],
    });
  }

  /** Counts are kept per customer or per customer and dedupe values: forget every key of the customer. */
  forget(customerId: string): void {
    for (let row = 0; row < this.rows.size; row++) {
      const key = this.rows.customerAt(row);
      if (key === customerId || key.startsWith(`${customerId}\u001e`)) this.filled[this.rows.forget(key)] = 0;
    }
  }

  exportState(): unknown {
    const keys: string[] = [];
    const times: number[][] = [];
    const ids: number[][] = [];
    for (let row = 0; row < this.rows.size; row++) {
      if (this.filled[row] === 0) continue;
      const base = row * this.n;
      keys.push(this.rows.customerAt(row));
      times.push(Array.from(this.times.subarray(base, base + this.filled[row])));
      ids.push(Array.from(this.ids.subarray(base, base + this.filled[row])));
    }
    return { keys, times, ids };
  }

  importState(state: unknown): void {
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success) throw invalidState(this.trigger.id);
    const { keys, times, ids } = parsed.data;
    this.rows = this.newRows();
    keys.forEach((key, i) => {
      if (times[i].length > this.n || ids[i].length !== times[i].length) throw invalidState(this.trigger.id);
      const row = this.rows.ensure(key);
      this.times.set(times[i], row * this.n);
      this.ids.set(ids[i], row * this.n);
      this.filled[row] = times[i].length;
    });
  }

  private complete(row: number): boolean {
    const base = row * this.n;
    return this.filled[row] === this.n && this.times[base + this.n - 1] - this.times[base] <= this.trigger.withinMs;
  }

  /** Keeps the n newest times sorted; false if the event is a redelivery or older than all n kept. */
  private insert(row: number, atMs: number, id: number): boolean {
    const base = row * this.n;
    const filled = this.filled[row];
    // The common case, an event newer than all kept: it cannot be a redelivery of one of them, and it goes last.
    if (filled > 0 && atMs > this.times[base + filled - 1]) return this.append(base, filled, row, atMs, id);
    for (let i = 0; i < filled; i++) if (this.ids[base + i] === id && this.times[base + i] === atMs) return false;
    let i: number;
    if (filled < this.n) {
      i = filled;
      this.filled[row] = filled + 1;
      while (i > 0 && this.times[base + i - 1] > atMs) {
        this.times[base + i] = this.times[base + i - 1];
        this.ids[base + i] = this.ids[base + i - 1];
        i--;
      }
    } else {
      if (atMs <= this.times[base]) return false;
      // Drop the oldest: shift the older part left until the new time fits.
      i = 0;
      while (i + 1 < this.n && this.times[base + i + 1] < atMs) {
        this.times[base + i] = this.times[base + i + 1];
        this.ids[base + i] = this.ids[base + i + 1];
        i++;
      }
    }
    this.times[base + i] = atMs;
    this.ids[base + i] = id;
    return true;
  }

  private append(base: number, filled: number, row: number, atMs: number, id: number): true {
    let last = filled;
    if (filled < this.n) this.filled[row] = filled + 1;
    else {
      this.times.copyWithin(base, base + 1, base + this.n);
      this.ids.copyWithin(base, base + 1, base + this.n);
      last = this.n - 1;
    }
    this.times[base + last] = atMs;
    this.ids[base + last] = id;
    return true;
  }

  private newRows(): CustomerRows {
    this.times = new Float64Array(0);
    this.ids = new Int32Array(0);
    this.filled = new Uint8Array(0);
    return new CustomerRows((capacity) => {
      this.times = grownColumn(this.times, capacity * this.n);
      this.ids = grownColumn(this.ids, capacity * this.n);
      this.filled = grownColumn(this.filled, capacity);
    });
  }
}
