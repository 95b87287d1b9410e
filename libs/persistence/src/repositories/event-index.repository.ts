import { DataSource, In, Repository } from 'typeorm';
import type { EventIdIndex, EventLocation } from '@kairos/event-log';
import { dialectOf } from '../data-source';
import type { EventIndexRow } from '../entities/kairos-tables.entity';

interface PostgresIndexRow {
  event_id: string;
  customer_id: string;
  type: string;
  partition: number;
  offset: string;
  received_at_ms: string;
  stored_at_ms: string;
}

function fromPostgres(row: PostgresIndexRow): EventLocation {
  return {
    eventId: row.event_id,
    customerId: row.customer_id,
    type: row.type,
    partition: row.partition,
    offset: Number(row.offset),
    receivedAtMs: Number(row.received_at_ms),
    storedAtMs: Number(row.stored_at_ms),
  };
}

/** `schema.table` → `"schema"."table"` (names come from our own metadata, never from input). */
function quoted(tablePath: string): string {
  return tablePath
    .split('.')
    .map((part) => `"${part.replace(/"/g, '')}"`)
    .join('.');
}

/** The event-id index for the Kafka log: dedupe at ingestion and the lookup behind `/v1/events/{id}/trace`. */
export class EventIndexRepository implements EventIdIndex {
  private readonly rows: Repository<EventIndexRow>;
  private readonly table: string | undefined;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository<EventIndexRow>('EventIndex');
    // PostgreSQL takes whole batches as arrays in one statement: this index sits on the append path of every event.
    this.table = dialectOf(dataSource) === 'postgres' ? this.rows.metadata.tablePath : undefined;
  }

  async findExisting(eventIds: readonly string[]): Promise<ReadonlyMap<string, EventLocation>> {
    if (this.table) return this.findExistingPostgres(eventIds);
    const found = new Map<string, EventLocation>();
    // Chunked: PostgreSQL and SQLite both cap the number of bound parameters.
    for (let i = 0; i < eventIds.length; i += 500) {
      const rows = await this.rows.find({ where: { eventId: In(eventIds.slice(i, i + 500)) } });
      for (const row of rows) found.set(row.eventId, row);
    }
    return found;
  }

  async record(locations: readonly EventLocation[]): Promise<void> {
    if (this.table) return this.recordPostgres(locations);
    for (let i = 0; i < locations.length; i += 500) {
      await this.rows.createQueryBuilder().insert().values(locations.slice(i, i + 500)).orIgnore().execute();
    }
  }

  private async findExistingPostgres(eventIds: readonly string[]): Promise<ReadonlyMap<string, EventLocation>> {
    const rows: PostgresIndexRow[] = await this.dataSource.query(
      `SELECT event_id, customer_id, type, partition, "offset", received_at_ms, stored_at_ms FROM ${quoted(this.table!)} WHERE event_id = ANY($1::varchar[])`,
      [eventIds],
    );
    return new Map(rows.map((row) => [row.event_id, fromPostgres(row)]));
  }

  private async recordPostgres(locations: readonly EventLocation[]): Promise<void> {
    if (locations.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO ${quoted(this.table!)} (event_id, customer_id, type, partition, "offset", received_at_ms, stored_at_ms)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::int[], $5::bigint[], $6::bigint[], $7::bigint[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        locations.map((l) => l.eventId),
        locations.map((l) => l.customerId),
        locations.map((l) => l.type),
        locations.map((l) => l.partition),
        locations.map((l) => l.offset),
        locations.map((l) => l.receivedAtMs),
        locations.map((l) => l.storedAtMs),
      ],
    );
  }

  async find(eventId: string): Promise<EventLocation | null> {
    return this.rows.findOne({ where: { eventId } });
  }
}
