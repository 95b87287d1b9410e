import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * The event index is read by customer (access export in Kafka mode, erasure) and swept by age (retention):
 * without these both scan the whole table.
 */
export class IndexEventIndexByCustomer1763900100000 implements MigrationInterface {
  name = 'IndexEventIndexByCustomer1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('event_index', new TableIndex({ name: 'event_index_customer', columnNames: ['customer_id'] }));
    await queryRunner.createIndex('event_index', new TableIndex({ name: 'event_index_received', columnNames: ['received_at_ms'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('event_index', 'event_index_received');
    await queryRunner.dropIndex('event_index', 'event_index_customer');
  }
}
