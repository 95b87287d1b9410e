import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { Dialect, columnTypes } from '../../../dialect';

/** Per-customer data keys (wrapped) and erasure tombstones: crypto-shredding for Art. 17 erasure. */
export class CreatePrivacyTables1763950000000 implements MigrationInterface {
  name = 'CreatePrivacyTables1763950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const types = columnTypes(queryRunner.connection.options.type === 'postgres' ? 'postgres' : ('sqlite' satisfies Dialect));
    await queryRunner.createTable(
      new Table({
        name: 'customer_keys',
        columns: [
          { name: 'subject', type: 'varchar', length: '200', isPrimary: true },
          { name: 'wrapped_key', type: types.binary },
          { name: 'kek_id', type: 'varchar', length: '16' },
          { name: 'created_at_ms', type: types.int64 },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'erasure_tombstones',
        columns: [
          { name: 'customer_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'request_id', type: 'varchar', length: '128' },
          { name: 'erased_at_ms', type: types.int64 },
          { name: 'completed_at_ms', type: types.int64, isNullable: true },
          { name: 'receipt', type: types.text, isNullable: true },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('erasure_tombstones');
    await queryRunner.dropTable('customer_keys');
  }
}
