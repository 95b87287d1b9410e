import { FindOptionsWhere, In, LessThan, ObjectLiteral, Repository } from 'typeorm';

/** Rows per delete statement: short locks on PostgreSQL, short write transactions on SQLite. */
const CHUNK = 1_000;

/**
 * Deletes the rows whose `column` (epoch ms) is before `cutoffMs`, optionally narrowed by `where`, a chunk of primary
 * keys per statement. Returns how many went.
 */
export async function deleteRowsBefore<T extends ObjectLiteral>(
  rows: Repository<T>,
  key: keyof T & string,
  column: keyof T & string,
  cutoffMs: number,
  where: FindOptionsWhere<T> = {},
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await rows.find({
      select: { [key]: true } as never,
      where: { ...where, [column]: LessThan(cutoffMs) } as FindOptionsWhere<T>,
      take: CHUNK,
    });
    if (batch.length === 0) return deleted;
    const result = await rows.delete({ [key]: In(batch.map((row) => row[key])) } as FindOptionsWhere<T>);
    deleted += result.affected ?? batch.length;
  }
}
