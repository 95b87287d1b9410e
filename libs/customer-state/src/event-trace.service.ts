import { KairosError } from '@kairos/contracts';
import type { EventLog } from '@kairos/event-log';
import type { IdentityRepository } from '@kairos/persistence';
import type { PartitionWorker } from './partition-worker';

/** Stages of the event path; after `applied`, what later stages (triggers, decisions, actions) did with it. */
export type TraceStageName =
  | 'received'
  | 'validated'
  | 'parked'
  | 'stored'
  | 'applied'
  | 'triggers_evaluated'
  | 'trigger_fired'
  | 'decided'
  | 'decision_skipped'
  | 'action_emitted'
  | 'action_suppressed';

export interface TraceStage {
  readonly stage: TraceStageName;
  readonly at: string | null;
  readonly detail?: Record<string, string | number | boolean>;
}

export interface EventTrace {
  readonly eventId: string;
  readonly type: string | null;
  readonly stages: readonly TraceStage[];
}

/**
 * Adds what a later stage did with an applied event (triggers evaluated and fired, decisions, actions). Served from
 * memory of the process that owns the partition, bounded by the contributor; a contributor that also keeps stages
 * in the database (they outlive a restart) answers with a promise.
 */
export interface TraceContributor {
  stagesFor(eventId: string, location: { readonly partition: number; readonly offset: number }): readonly TraceStage[] | Promise<readonly TraceStage[]>;
}

/** The path an event took through Kairos. Later stages (triggers, rules, decisions) append their own entries. */
export class EventTraceService {
  private readonly contributors: TraceContributor[] = [];

  constructor(
    private readonly log: EventLog,
    private readonly identities: IdentityRepository,
    private readonly worker: PartitionWorker,
  ) {}

  addContributor(contributor: TraceContributor): void {
    this.contributors.push(contributor);
  }

  async trace(eventId: string): Promise<EventTrace> {
    const location = await this.log.locate(eventId);
    if (!location) {
      if ((await this.identities.isParked([eventId])).has(eventId)) {
        return {
          eventId,
          type: null,
          stages: [
            { stage: 'received', at: null },
            { stage: 'validated', at: null },
            { stage: 'parked', at: null, detail: { reason: 'waiting for its identifier to be linked to a customer' } },
          ],
        };
      }
      throw new KairosError('NOT_FOUND', 'no event with this id was accepted');
    }
    const received = iso(location.receivedAtMs);
    const stages: TraceStage[] = [
      { stage: 'received', at: received },
      { stage: 'validated', at: received },
      { stage: 'stored', at: iso(location.storedAtMs), detail: { partition: location.partition, offset: location.offset } },
    ];
    const applied = this.worker.appliedAt(location.partition, location.offset);
    if (applied !== false) {
      stages.push({ stage: 'applied', at: applied === true ? null : iso(applied), detail: { partition: location.partition } });
      for (const contributor of this.contributors) stages.push(...(await contributor.stagesFor(eventId, location)));
    }
    return { eventId, type: location.type, stages };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
