import { z } from 'zod';
import type { CompiledScoreChangeTrigger } from '../definitions/trigger-set';
import { CustomerRows, grownColumn } from '../engine/customer-rows';
import type { EvaluatorHost, ScoreObservation, TriggerEvaluator } from '../engine/evaluator-host';
import { invalidState } from './evaluator-state';

const stateSchema = z.strictObject({
  customers: z.array(z.string()),
  last: z.array(z.number().nullable()),
  disarmed: z.array(z.string()),
});

/**
 * Watches one model's score per customer and fires when it crosses `crosses` in `direction`. After a fire the
 * trigger stays disarmed until the score is back past `rearmAt`, so a score hovering at the threshold fires once.
 */
export class ScoreChangeTriggerEvaluator implements TriggerEvaluator {
  private last = new Float64Array(0);
  private disarmed = new Uint8Array(0);
  private rows: CustomerRows;

  constructor(
    readonly trigger: CompiledScoreChangeTrigger,
    private readonly host: EvaluatorHost,
  ) {
    this.rows = this.newRows();
  }

  onScore(observation: ScoreObservation): void {
    const definition = this.trigger.definition;
    if (observation.model !== definition.model) return;
    const row = this.rows.ensure(observation.customerId);
    const previous = this.last[row];
    const score = observation.score;
    this.last[row] = score;
    const up = definition.direction === 'up';
    if (this.disarmed[row] === 1) {
      if (up ? score < this.trigger.rearmAt : score > this.trigger.rearmAt) this.disarmed[row] = 0;
      return;
    }
    if (up ? score < definition.crosses : score > definition.crosses) return;
    const previousScore = Number.isNaN(previous) ? null : previous;
    const fired = this.host.offer({
      trigger: this.trigger,
      customerId: observation.customerId,
      atMs: observation.atMs,
      occasion: observation.eventId ?? String(observation.atMs),
      dedupeValues: '',
      cause: { type: 'score', model: definition.model, modelVersion: observation.modelVersion ?? null, previous: previousScore, current: score, ...(observation.eventId ? { eventId: observation.eventId } : {}) },
      evidence: [
        { feature: `score:${definition.model}`, value: score },
        { feature: `score:${definition.model}:previous`, value: previousScore },
      ],
      variables: { score, previous_score: previousScore },
    });
    // Suppressed by cooldown or guard: stay armed, the next crossing may fire.
    if (fired) this.disarmed[row] = 1;
  }

  forget(customerId: string): void {
    const row = this.rows.forget(customerId);
    if (row < 0) return;
    this.last[row] = Number.NaN;
    this.disarmed[row] = 0;
  }

  exportState(): unknown {
    const customers: string[] = [];
    const last: (number | null)[] = [];
    const disarmed: string[] = [];
    for (let row = 0; row < this.rows.size; row++) {
      const customerId = this.rows.customerAt(row);
      if (customerId === '') continue;
      customers.push(customerId);
      last.push(Number.isNaN(this.last[row]) ? null : this.last[row]);
      if (this.disarmed[row] === 1) disarmed.push(customerId);
    }
    return { customers, last, disarmed };
  }

  importState(state: unknown): void {
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success || parsed.data.last.length !== parsed.data.customers.length) throw invalidState(this.trigger.id);
    this.rows = this.newRows();
    parsed.data.customers.forEach((customerId, i) => {
      this.last[this.rows.ensure(customerId)] = parsed.data.last[i] ?? Number.NaN;
    });
    for (const customerId of parsed.data.disarmed) this.disarmed[this.rows.ensure(customerId)] = 1;
  }

  private newRows(): CustomerRows {
    this.last = new Float64Array(0);
    this.disarmed = new Uint8Array(0);
    return new CustomerRows((capacity) => {
      this.last = grownColumn(this.last, capacity, Number.NaN);
      this.disarmed = grownColumn(this.disarmed, capacity);
    });
  }
}
