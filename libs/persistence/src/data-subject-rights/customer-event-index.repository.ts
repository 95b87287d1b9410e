import { DataSource } from 'typeorm';
import type { CustomerEventLocator, EventLocation } from '@kairos/event-log';
import type { EventIndexRow } from '../entities/kairos-tables.entity';

/**
 * A customer's event locations from the event-id index, so the Kafka log can read exactly that customer's records
 * (Art. 15 export), found through the index `event_index_customer`.
 */
export class CustomerEventIndexRepository implements CustomerEventLocator {
  constructor(private readonly dataSource: DataSource) {}

  async locateCustomer(customerId: string): Promise<readonly EventLocation[]> {
    return this.dataSource.getRepository<EventIndexRow>('EventIndex').find({ where: { customerId }, order: { partition: 'ASC', offset: 'ASC' } });
  }
}
