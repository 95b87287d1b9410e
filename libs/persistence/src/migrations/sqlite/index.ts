import { CreateFoundationTables1763900000000 } from '../common/1763900000000-create-foundation-tables';

/** SQLite migrations in the order they run. Add dialect-specific ones here beside the common ones. */
export const sqliteMigrations = [CreateFoundationTables1763900000000];
