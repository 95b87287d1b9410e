import { DataSource, In, LessThan } from 'typeorm';
import { deleteRowsBefore } from '../retention/aged-rows.repository';
import type { TriggerTraceRow } from './trigger-tables.entity';

export type StoredTriggerTrace = Readonly<Omit<TriggerTraceRow, 'id'>>;

/**
 * The trigger stages of events (`GET /v1/events/{id}/trace`), kept past a restart. Written in batches by the
 * trigger runtime off the event path; read by event id; bounded by age (the retention job, category `trigger_traces`) and by `trim`.
 */
export class TriggerTraceRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get rows() {
    return this.dataSource.getRepository<TriggerTraceRow>('TriggerTrace');
  }

  /** Appends stages in one statement per chunk (SQLite caps bound parameters per statement). */
  async append(stages: readonly StoredTriggerTrace[]): Promise<void> {
    for (let at = 0; at < stages.length; at += 100) await this.rows.insert(stages.slice(at, at + 100).map((stage) => ({ ...stage })));
  }

  /** The stored stages of some events, in the order they were written. */
  async stagesOf(eventIds: readonly string[]): Promise<StoredTriggerTrace[]> {
    if (eventIds.length === 0) return [];
    const rows = await this.rows.find({ where: { eventId: In([...eventIds]) }, order: { id: 'ASC' } });
    return rows.map(({ id: _id, ...stage }) => stage);
  }

  /** Deletes stages recorded before `beforeMs` (retention category `trigger_traces`), a chunk per statement; returns how many went. */
  deleteRecordedBefore(beforeMs: number): Promise<number> {
    return deleteRowsBefore(this.rows, 'id', 'recordedAtMs', beforeMs);
  }

  /** Keeps the newest `keep` stages (a bound that holds even without the retention job); returns how many went. */
  async trim(keep: number): Promise<number> {
    const boundary = await this.rows.find({ select: { id: true }, order: { id: 'DESC' }, skip: keep, take: 1 });
    const last = boundary[0]?.id;
    if (last === undefined) return 0;
    const result = await this.rows.delete({ id: LessThan(last + 1) });
    return result.affected ?? 0;
  }
}
