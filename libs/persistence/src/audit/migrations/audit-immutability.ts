import type { Dialect } from '../../dialect';

export const AUDIT_TABLES = ['audit_records', 'audit_checkpoints'] as const;

/**
 * The statements that make the audit tables append-only, and those that undo it (migration `down`, and the tamper
 * tests, whose attacker drops the guard before editing rows).
 *
 * SQLite: BEFORE UPDATE / BEFORE DELETE triggers that RAISE(ABORT). A DELETE without WHERE fires them too (triggers
 * turn off SQLite's truncate optimisation). DROP TABLE and DROP TRIGGER stay possible for whoever can write the file.
 *
 * PostgreSQL: a trigger function raising on every UPDATE, DELETE (per row) and TRUNCATE (per statement), and UPDATE,
 * DELETE, TRUNCATE revoked from PUBLIC. Grants do not bind superusers or the table owner, and the owner can still
 * DISABLE or DROP the triggers — only the triggers stop the application's own connection (which owns the tables when
 * it ran the migrations). Run the application as a role that owns nothing and holds only SELECT and INSERT to make
 * the revoke count too. Anything that gets past all of this is caught by the verifier and the external checkpoints.
 */
export function auditImmutability(dialect: Dialect, schema?: string): { readonly guard: string[]; readonly unguard: string[] } {
  if (dialect === 'sqlite') {
    return {
      guard: AUDIT_TABLES.flatMap((table) => [
        `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE on ${table} is refused'); END`,
        `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE on ${table} is refused'); END`,
      ]),
      unguard: AUDIT_TABLES.flatMap((table) => [`DROP TRIGGER IF EXISTS ${table}_no_update`, `DROP TRIGGER IF EXISTS ${table}_no_delete`]),
    };
  }
  const s = `"${(schema ?? 'public').replace(/"/g, '')}"`;
  const refuse = `${s}.kairos_audit_append_only`;
  return {
    guard: [
      `CREATE OR REPLACE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
       END
       $$`,
      ...AUDIT_TABLES.flatMap((table) => [
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${s}.${table} FOR EACH ROW EXECUTE FUNCTION ${refuse}()`,
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${s}.${table} FOR EACH STATEMENT EXECUTE FUNCTION ${refuse}()`,
        `REVOKE UPDATE, DELETE, TRUNCATE ON ${s}.${table} FROM PUBLIC`,
      ]),
    ],
    unguard: [
      ...AUDIT_TABLES.flatMap((table) => [`DROP TRIGGER IF EXISTS ${table}_append_only ON ${s}.${table}`, `DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${s}.${table}`]),
      `DROP FUNCTION IF EXISTS ${refuse}()`,
    ],
  };
}
