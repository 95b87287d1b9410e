import type { QueryRunner, TableColumnOptions } from 'typeorm';
import { Dialect, columnTypes } from '../dialect';

/**
 * Column builders every migration uses, typed for the dialect the migration runs on, so each table is written once
 * for SQLite and PostgreSQL.
 */
export function migrationColumns(queryRunner: QueryRunner) {
  const dialect: Dialect = queryRunner.connection.options.type === 'postgres' ? 'postgres' : 'sqlite';
  const types = columnTypes(dialect);
  return {
    dialect,
    types,
    varchar: (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'varchar', length: String(length), ...extra }),
    int64: (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: types.int64, ...extra }),
  };
}
