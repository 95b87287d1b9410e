import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { migrationColumns } from '../../migrations/migration-columns';
import { auditImmutability } from './audit-immutability';

/** The hash-chained audit records and the checkpoint copies, append-only from the first migration on. */
export class CreateAuditTables1795400000000 implements MigrationInterface {
  name = 'CreateAuditTables1795400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const { dialect, types, varchar, int64 } = migrationColumns(queryRunner);

    await queryRunner.createTable(
      new Table({
        name: 'audit_records',
        columns: [
          varchar('id', 64, { isPrimary: true }),
          { name: 'chain', type: 'integer' },
          int64('sequence'),
          varchar('prev_hash', 64),
          varchar('hash', 64),
          varchar('kind', 32),
          varchar('subject', 128, { isNullable: true }),
          varchar('decision_id', 128, { isNullable: true }),
          int64('occurred_at_ms'),
          int64('recorded_at_ms'),
          { name: 'body', type: types.text },
        ],
      }),
    );
    const indices = [
      new TableIndex({ name: 'audit_records_chain_sequence', columnNames: ['chain', 'sequence'], isUnique: true }),
      new TableIndex({ name: 'audit_records_occurred', columnNames: ['occurred_at_ms', 'id'] }),
      new TableIndex({ name: 'audit_records_subject', columnNames: ['subject', 'occurred_at_ms'] }),
      new TableIndex({ name: 'audit_records_kind', columnNames: ['kind', 'occurred_at_ms'] }),
      new TableIndex({ name: 'audit_records_decision', columnNames: ['decision_id'] }),
    ];
    for (const index of indices) await queryRunner.createIndex('audit_records', index);

    await queryRunner.createTable(
      new Table({
        name: 'audit_checkpoints',
        columns: [int64('number', { isPrimary: true }), int64('issued_at_ms'), varchar('key_id', 32), varchar('root', 64), { name: 'line', type: types.text }],
      }),
    );

    for (const statement of auditImmutability(dialect, schemaOf(queryRunner)).guard) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const { dialect } = migrationColumns(queryRunner);
    for (const statement of auditImmutability(dialect, schemaOf(queryRunner)).unguard) await queryRunner.query(statement);
    await queryRunner.dropTable('audit_checkpoints');
    await queryRunner.dropTable('audit_records');
  }
}

function schemaOf(queryRunner: QueryRunner): string | undefined {
  return (queryRunner.connection.options as { schema?: string }).schema;
}
