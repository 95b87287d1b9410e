import { DataSource, In, Repository } from 'typeorm';
import type { EventIdIndex, EventLocation } from '@kairos/event-log';
import type { EventIndexRow } from '../entities/kairos-tables.entity';

/** The event-id index for the Kafka log: dedupe at ingestion and the lookup behind `/v1/events/{id}/trace`. */
export class EventIndexRepository implements EventIdIndex {
  private readonly rows: Repository<EventIndexRow>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository<EventIndexRow>('EventIndex');
  }

  async findExisting(eventIds: readonly string[]): Promise<ReadonlyMap<string, EventLocation>> {
    const found = new Map<string, EventLocation>();
    // Chunked: PostgreSQL and SQLite both cap the number of bound parameters.
    for (let i = 0; i < eventIds.length; i += 500) {
      const rows = await this.rows.find({ where: { eventId: In(eventIds.slice(i, i + 500)) } });
      for (const row of rows) found.set(row.eventId, row);
    }
    return found;
  }

  async record(locations: readonly EventLocation[]): Promise<void> {
    for (let i = 0; i < locations.length; i += 500) {
      await this.rows.createQueryBuilder().insert().values(locations.slice(i, i + 500)).orIgnore().execute();
    }
  }

  async find(eventId: string): Promise<EventLocation | null> {
    return this.rows.findOne({ where: { eventId } });
  }
}
