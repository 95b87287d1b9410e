import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../migration-columns';

/** API keys, partition snapshots, the event-id index (Kafka mode), identity links and parked events. */
export class CreateFoundationTables1763900000000 implements MigrationInterface {
  name = 'CreateFoundationTables1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { types, varchar, int64 } = migrationColumns(queryRunner);

    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          varchar('id', 64, { isPrimary: true }),
          varchar('principal_id', 128),
          varchar('role', 32),
          varchar('channel', 32, { isNullable: true }),
          varchar('key_hash', 128),
          varchar('label', 200),
          int64('created_at_ms'),
          int64('revoked_at_ms', { isNullable: true }),
        ],
      }),
    );
    await queryRunner.createIndex('api_keys', new TableIndex({ name: 'api_keys_key_hash', columnNames: ['key_hash'], isUnique: true }));

    await queryRunner.createTable(
      new Table({
        name: 'partition_snapshots',
        columns: [
          { name: 'partition', type: 'integer', isPrimary: true },
          int64('offset', { isPrimary: true }),
          int64('created_at_ms'),
          varchar('checksum', 64),
          { name: 'data', type: types.binary },
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'event_index',
        columns: [
          varchar('event_id', 128, { isPrimary: true }),
          varchar('customer_id', 128),
          varchar('type', 64),
          { name: 'partition', type: 'integer' },
          int64('offset'),
          int64('received_at_ms'),
          int64('stored_at_ms'),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'identity_links',
        columns: [varchar('kind', 32, { isPrimary: true }), varchar('value', 128, { isPrimary: true }), varchar('customer_id', 128), int64('linked_at_ms')],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'parked_events',
        columns: [
          varchar('event_id', 128, { isPrimary: true }),
          varchar('identifier_kind', 32),
          varchar('identifier_value', 128),
          { name: 'payload', type: types.text },
          int64('received_at_ms'),
        ],
      }),
    );
    await queryRunner.createIndex('parked_events', new TableIndex({ name: 'parked_events_identifier', columnNames: ['identifier_kind', 'identifier_value'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['parked_events', 'identity_links', 'event_index', 'partition_snapshots', 'api_keys']) {
      await queryRunner.dropTable(table);
    }
  }
}
