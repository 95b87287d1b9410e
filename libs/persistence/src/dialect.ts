/**
 * The two storage dialects. Column types differ only where the engines differ (binary, 64-bit integers);
 * entity schemas and migrations take their types from here so both dialects come from one definition.
 */
export type Dialect = 'sqlite' | 'postgres';

export interface DialectColumnTypes {
  readonly binary: 'blob' | 'bytea';
  readonly int64: 'integer' | 'bigint';
  readonly text: 'text';
}

export function columnTypes(dialect: Dialect): DialectColumnTypes {
  return dialect === 'postgres' ? { binary: 'bytea', int64: 'bigint', text: 'text' } : { binary: 'blob', int64: 'integer', text: 'text' };
}

/** PostgreSQL returns bigint as string; epoch milliseconds and offsets fit a JS number exactly. */
export const int64Transformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};

/** The entity column of an epoch-millisecond or offset value in `dialect`, read back as a number. */
export function int64Column(dialect: Dialect) {
  return { type: columnTypes(dialect).int64, transformer: int64Transformer } as const;
}
