import { CreateFoundationTables1763900000000 } from '../common/1763900000000-create-foundation-tables';

/** PostgreSQL migrations in the order they run. Add dialect-specific ones here beside the common ones. */
export const postgresMigrations = [CreateFoundationTables1763900000000];
