import { auditEntities } from '../audit/audit-tables.entity';
import { consentEntities } from '../consent/consent-tables.entity';
import { contentEntities } from '../content/content-tables.entity';
import { dataSubjectRightsEntities } from '../data-subject-rights/data-subject-rights-tables.entity';
import { Dialect } from '../dialect';
import { privacyEntities } from '../privacy/privacy-tables.entity';
import { retentionEntities } from '../retention/retention-tables.entity';
import { decisionsEntities } from '../decisions/decisions-tables.entity';
import { scoringEntities } from '../scoring/scoring-tables.entity';
import { rulesEntities } from '../rules/rules-tables.entity';
import { clusterEntities } from '../cluster/cluster-tables.entity';
import { campaignsEntities } from '../campaigns/campaigns-tables.entity';
import { triggersEntities } from '../triggers/trigger-tables.entity';
import { foundationEntities } from './kairos-tables.entity';

/** Every table of the application database, area by area. */
export function kairosEntities(dialect: Dialect) {
  return [...foundationEntities(dialect), ...auditEntities(dialect), ...privacyEntities(dialect), ...consentEntities(dialect), ...retentionEntities(dialect), ...dataSubjectRightsEntities(dialect), ...contentEntities(dialect), ...decisionsEntities(dialect), ...scoringEntities(dialect), ...rulesEntities(dialect), ...clusterEntities(dialect), ...campaignsEntities(dialect), ...triggersEntities(dialect)];
}
