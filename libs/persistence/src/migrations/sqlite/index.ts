import { auditMigrations } from '../../audit/migrations';
import { consentMigrations } from '../../consent/migrations';
import { decisionsMigrations } from '../../decisions/migrations';
import { scoringMigrations } from '../../scoring/migrations';
import { rulesMigrations } from '../../rules/migrations';
import { clusterMigrations } from '../../cluster/migrations';
import { campaignsMigrations } from '../../campaigns/migrations';
import { contentMigrations } from '../../content/migrations';
import { dataSubjectRightsMigrations } from '../../data-subject-rights/migrations';
import { privacyMigrations } from '../../privacy/migrations';
import { retentionMigrations } from '../../retention/migrations';
import { triggersMigrations } from '../../triggers/migrations';
import { CreateFoundationTables1763900000000 } from '../common/1763900000000-create-foundation-tables';
import { IndexEventIndexByCustomer1763900100000 } from '../common/1763900100000-index-event-index-by-customer';

/** SQLite migrations in the order they run: the foundation tables, then each area's own list. */
export const sqliteMigrations = [
  CreateFoundationTables1763900000000,
  IndexEventIndexByCustomer1763900100000,
  ...auditMigrations.sqlite,
  ...privacyMigrations.sqlite,
  ...consentMigrations.sqlite,
  ...retentionMigrations.sqlite,
  ...dataSubjectRightsMigrations.sqlite,
  ...contentMigrations.sqlite,
  ...decisionsMigrations.sqlite,
  ...scoringMigrations.sqlite,
  ...rulesMigrations.sqlite,
  ...clusterMigrations.sqlite,
  ...campaignsMigrations.sqlite,
  ...triggersMigrations.sqlite,
];
