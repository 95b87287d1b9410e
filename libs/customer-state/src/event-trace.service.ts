import { KairosError } from '@kairos/contracts';
import type { EventLog } from '@kairos/event-log';
import type { IdentityRepository } from '@kairos/persistence';
import type { PartitionWorker } from './partition-worker';

export interface TraceStage {
  readonly stage: 'received' | 'validated' | 'parked' | 'stored' | 'applied';
  readonly at: string | null;
  readonly detail?: Record<string, string | number | boolean>;
}

export interface EventTrace {
  readonly eventId: string;
  readonly type: string | null;
  readonly stages: readonly TraceStage[];
}

/** The path an event took through Kairos. Later stages (triggers, rules, decisions) append their own entries. */
export class EventTraceService {
  constructor(
    private readonly log: EventLog,
    private readonly identities: IdentityRepository,
    private readonly worker: PartitionWorker,
  ) {}

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
    if (applied !== false) stages.push({ stage: 'applied', at: applied === true ? null : iso(applied), detail: { partition: location.partition } });
    return { eventId, type: location.type, stages };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
