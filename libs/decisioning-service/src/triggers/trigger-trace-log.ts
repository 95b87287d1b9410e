import type { TraceContributor, TraceStage } from '@kairos/customer-state';

/**
 * What the triggers did with recent events of one partition, for `GET /v1/events/{id}/trace`. In memory and
 * bounded (oldest event dropped first): an event older than the window shows no trigger stages. Entries hold
 * trigger, occasion, decision and action ids only — never a customer id or personal data.
 */
export class TriggerTraceLog {
  private readonly byEvent = new Map<string, TraceStage[]>();

  constructor(private readonly limit: number) {}

  add(eventId: string, stage: TraceStage): void {
    let stages = this.byEvent.get(eventId);
    if (!stages) {
      if (this.byEvent.size >= this.limit) this.byEvent.delete(this.byEvent.keys().next().value as string);
      this.byEvent.set(eventId, (stages = []));
    }
    stages.push(stage);
  }

  stagesFor(eventId: string): readonly TraceStage[] {
    return this.byEvent.get(eventId) ?? [];
  }

  get size(): number {
    return this.byEvent.size;
  }
}

/** Serves the trace stages of the partitions' logs (the runtime owns one log per owned partition). */
export function traceContributor(logOf: (partition: number) => TriggerTraceLog | undefined): TraceContributor {
  return { stagesFor: (eventId, location) => logOf(location.partition)?.stagesFor(eventId) ?? [] };
}
