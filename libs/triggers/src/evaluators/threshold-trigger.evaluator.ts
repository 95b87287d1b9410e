import type { AuditInput } from '@kairos/audit';
import type { LoggedEvent } from '@kairos/contracts';
import { z } from 'zod';
import { dataKey } from '../definitions/event-match';
import type { CompiledThresholdTrigger } from '../definitions/trigger-set';
import { CustomerRows, grownColumn } from '../engine/customer-rows';
import type { EvaluatorHost, TriggerEvaluator } from '../engine/evaluator-host';
import { invalidState } from './evaluator-state';

const stateSchema = z.strictObject({ above: z.array(z.string()) });

/**
 * Re-evaluates a condition over features after each `on` event and fires on the false → true edge; the trigger
 * re-arms once the condition is false again. Only customers for whom it is true hold a set bit.
 */
export class ThresholdTriggerEvaluator implements TriggerEvaluator {
  private holds = new Uint8Array(0);
  /** Customers whose bit is set: while none, an event whose condition is false needs no row at all. */
  private holding = 0;
  private rows: CustomerRows;
  /** Reused for every evaluation: evaluation is synchronous and the values are copied into evidence on a fire. */
  private readonly variables: Record<string, unknown> = {};
  private readonly types: ReadonlySet<string>;
  /** State is per customer: the customer's `StateKeys` number finds its row without a map lookup. */
  private readonly signature: number;
  /** The condition's features, read once per event for all triggers (EvaluatorHost.eventFeature). */
  private readonly features: readonly number[];

  constructor(
    readonly trigger: CompiledThresholdTrigger,
    private readonly host: EvaluatorHost,
  ) {
    this.types = new Set(trigger.definition.on);
    this.signature = host.keySignature([]);
    this.features = trigger.condition.names.map((name) => host.featureSlot(name));
    this.rows = this.newRows();
  }

  onEvent(logged: LoggedEvent): void {
    const event = logged.event;
    if (!this.types.has(event.type)) return;
    const profile = this.host.profile(event.customerId);
    if (!profile) return;
    const names = this.trigger.condition.names;
    for (let i = 0; i < names.length; i++) this.variables[names[i]] = this.host.eventFeature(event, profile, this.features[i]);
    const holds = this.trigger.condition.holds(this.variables);
    if (!holds && this.holding === 0) return;
    const number = this.host.eventKeyNumber(event, this.signature);
    const row = holds ? this.rows.ensureAt(number, event.customerId) : this.rows.findAt(number, event.customerId);
    if (row < 0) return;
    const held = this.holds[row] === 1;
    this.set(row, holds);
    if (!holds || held) return;
    const evidence: AuditInput[] = names.map((name) => ({ feature: name, value: scalar(this.variables[name]) }));
    this.host.offer({
      trigger: this.trigger,
      customerId: event.customerId,
      atMs: event.occurredAtMs,
      occasion: event.id,
      dedupeValues: dataKey(event, this.trigger.definition.dedupeBy),
      cause: { type: 'event', eventId: event.id, eventType: event.type, offset: logged.offset },
      evidence,
    });
  }

  forget(customerId: string): void {
    const row = this.rows.forget(customerId);
    if (row >= 0) this.set(row, false);
  }

  exportState(): unknown {
    const above: string[] = [];
    for (let row = 0; row < this.rows.size; row++) if (this.holds[row] === 1) above.push(this.rows.customerAt(row));
    return { above };
  }

  importState(state: unknown): void {
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success) throw invalidState(this.trigger.id);
    this.rows = this.newRows();
    for (const customerId of parsed.data.above) this.set(this.rows.ensure(customerId), true);
  }

  private set(row: number, holds: boolean): void {
    const bit = holds ? 1 : 0;
    this.holding += bit - this.holds[row];
    this.holds[row] = bit;
  }

  private newRows(): CustomerRows {
    this.holds = new Uint8Array(0);
    this.holding = 0;
    return new CustomerRows((capacity) => {
      this.holds = grownColumn(this.holds, capacity);
    });
  }
}

/** Feature values as audit inputs: lists are joined, timestamps stay numbers. */
export function scalar(value: unknown): number | string | boolean | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : String(value);
}
