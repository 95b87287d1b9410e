import { DataSource } from 'typeorm';
import type { EventIndexRow, ParkedEventRow } from '../entities/kairos-tables.entity';
import { deleteRowsBefore } from './aged-rows.repository';

/** Retention of the ingestion tables: events parked for an unknown identifier, and the event-id index (Kafka mode). */
export class RetentionSweepRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Parked events that waited longer than their window for an identifier link. */
  deleteParkedEventsReceivedBefore(cutoffMs: number): Promise<number> {
    return deleteRowsBefore(this.dataSource.getRepository<ParkedEventRow>('ParkedEvent'), 'eventId', 'receivedAtMs', cutoffMs);
  }

  /** Event-index rows of events received before the cutoff (their Kafka records expire by the same clock). */
  deleteEventIndexReceivedBefore(cutoffMs: number): Promise<number> {
    return deleteRowsBefore(this.dataSource.getRepository<EventIndexRow>('EventIndex'), 'eventId', 'receivedAtMs', cutoffMs);
  }
}
