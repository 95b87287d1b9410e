import type { TraceContributor, TraceStage } from '@kairos/customer-state';

/** Where stages worth keeping past a restart go (PersistedTriggerTraces, written in batches off the event path). */
export type TraceStageSink = (eventId: string, stage: TraceStage) => void;

/**
 * What the triggers did with recent events of one partition, for `GET /v1/events/{id}/trace`. In memory and
 * bounded (oldest event dropped first): an event older than the window shows no trigger stages. Entries hold
 * trigger, occasion, decision and action ids only — never a customer id or personal data.
 */
export class TriggerTraceLog {
  /** Stages other than `triggers_evaluated` (fires, decisions, actions), per event: few events have any. */
  private readonly byEvent = new Map<string, TraceStage[]>();
  /**
   * `triggers_evaluated` of the newest `limit` events, as a ring of columns: it is recorded for every event a
   * trigger listens to and read only by the trace endpoint, so recording allocates nothing and reading scans.
   */
  private readonly evaluatedIds: (string | null)[];
  private readonly evaluatedTriggers: (string | null)[];
  private readonly evaluatedOffsets: Float64Array;
  private nextSlot = 0;

  /**
   * @param persist receives every stage other than `triggers_evaluated`, and the evaluation of an event just before
   *   its first such stage: events something happened to are kept; the many that only were read stay in memory.
   */
  constructor(
    private readonly limit: number,
    private readonly persist?: TraceStageSink,
  ) {
    this.evaluatedIds = new Array<string | null>(limit).fill(null);
    this.evaluatedTriggers = new Array<string | null>(limit).fill(null);
    this.evaluatedOffsets = new Float64Array(limit);
  }

  add(eventId: string, stage: TraceStage): void {
    let stages = this.byEvent.get(eventId);
    if (!stages) {
      if (this.byEvent.size >= this.limit) this.byEvent.delete(this.byEvent.keys().next().value as string);
      this.byEvent.set(eventId, (stages = []));
      const evaluated = this.persist ? this.evaluatedStageOf(eventId) : null;
      if (evaluated) this.persist?.(eventId, evaluated);
    }
    stages.push(stage);
    this.persist?.(eventId, stage);
  }

  /** Which triggers read the event (comma-separated ids) at its offset; recorded before any other stage of it. */
  addEvaluated(eventId: string, triggers: string, offset: number): void {
    if (this.limit === 0) return;
    const slot = this.nextSlot;
    this.evaluatedIds[slot] = eventId;
    this.evaluatedTriggers[slot] = triggers;
    this.evaluatedOffsets[slot] = offset;
    this.nextSlot = slot + 1 === this.limit ? 0 : slot + 1;
  }

  stagesFor(eventId: string): readonly TraceStage[] {
    const stages = this.byEvent.get(eventId) ?? [];
    const evaluated = this.evaluatedStageOf(eventId);
    return evaluated ? [evaluated, ...stages] : stages;
  }

  private evaluatedStageOf(eventId: string): TraceStage | null {
    const slot = this.evaluatedSlotOf(eventId);
    if (slot < 0) return null;
    return { stage: 'triggers_evaluated', at: null, detail: { triggers: this.evaluatedTriggers[slot]!, offset: this.evaluatedOffsets[slot] } };
  }

  /** Events with stages other than `triggers_evaluated` in the window. */
  get size(): number {
    return this.byEvent.size;
  }

  /** Scans newest first, so an id evaluated twice shows its latest evaluation. */
  private evaluatedSlotOf(eventId: string): number {
    for (let back = 1; back <= this.limit; back++) {
      const slot = (this.nextSlot - back + this.limit) % this.limit;
      if (this.evaluatedIds[slot] === eventId) return slot;
    }
    return -1;
  }
}

/**
 * Serves the trace stages of the partitions' logs (the runtime owns one log per owned partition); an event the
 * memory no longer holds (older than the window, or from before a restart) is looked up in `stored`, if given.
 */
export function traceContributor(logOf: (partition: number) => TriggerTraceLog | undefined, stored?: (eventId: string) => Promise<readonly TraceStage[]>): TraceContributor {
  return {
    stagesFor: (eventId, location) => {
      const stages = logOf(location.partition)?.stagesFor(eventId) ?? [];
      return stages.length > 0 || !stored ? stages : stored(eventId);
    },
  };
}
