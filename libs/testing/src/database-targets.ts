import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The PostgreSQL server every integration suite uses (trust auth on this machine and in CI). */
export const TEST_POSTGRES_URL = process.env.KAIROS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestStorageTarget =
  | { readonly dialect: 'sqlite'; readonly dataDir: string }
  | { readonly dialect: 'postgres'; readonly url: string; readonly schema: string };

/**
 * A fresh, isolated storage target per suite: a temporary directory for SQLite, a schema of its own for PostgreSQL.
 * `dispose` removes it (the PostgreSQL schema is dropped by the caller's data source, see dropSchema below).
 */
export function freshStorageTarget(dialect: 'sqlite' | 'postgres'): { target: TestStorageTarget; dispose: () => void } {
  if (dialect === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'kairos-sqlite-'));
    return { target: { dialect, dataDir }, dispose: () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `kairos_test_${randomBytes(6).toString('hex')}`;
  return { target: { dialect, url: TEST_POSTGRES_URL, schema }, dispose: () => undefined };
}

export const STORAGE_DIALECTS = ['sqlite', 'postgres'] as const;
