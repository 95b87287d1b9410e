import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Row count of every table of every SQLite file under `dataDir` (the platform database and the embedded event
 * log), keyed `file:table`. Read-only, so it can run next to the live writers; "nothing stored" compares two of these.
 */
export function sqliteRowCounts(dataDir: string): Map<string, number> {
  const counts = new Map<string, number>();
  const files = readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.db'));
  for (const file of files) {
    const database = new Database(join(dataDir, file), { readonly: true, fileMustExist: true });
    try {
      const tables = database.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
      for (const { name } of tables) {
        const row = database.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM "${name.split('"').join('""')}"`).get();
        counts.set(`${file}:${name}`, row?.n ?? 0);
      }
    } finally {
      database.close();
    }
  }
  return counts;
}

/** The tables whose counts differ between two snapshots, as `file:table before→after`. */
export function changedRowCounts(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name)).map((name) => `${name} ${before.get(name) ?? 0}→${after.get(name) ?? 0}`);
}
