import type { KairosAbility, Principal } from '@kairos/access';
import type { AuditTrail } from '@kairos/audit';
import type { Logger } from '@kairos/observability';
import type { RuleSetRepository } from '@kairos/persistence';
import type { DeployedRuleSets } from './deploy/deployed-rule-sets';
import type { DeploymentPoller } from './deploy/deployment-poller';
import type { RuleInputCatalog } from './rule-set/rule-input-catalog';
import type { SimulationSources } from './simulation/simulation-sources';

/** Who calls a rule-set service method, with the ability instance checks are made against. */
export interface RulesCaller {
  readonly principal: Principal;
  readonly ability: KairosAbility;
}

export interface RulesServiceOptions {
  readonly repository: RuleSetRepository;
  readonly audit: AuditTrail;
  /** Names rule sets may read (features and decision variables), with their kinds. */
  readonly inputs: RuleInputCatalog;
  /** The process's deployed rule sets (the decision core's RuleSource). */
  readonly source: DeployedRuleSets;
  /** Keeps `source` in step with deployments of other processes; started and stopped with the module. */
  readonly poller?: DeploymentPoller;
  readonly simulation: SimulationSources;
  readonly clock?: () => number;
  readonly logger?: Logger;
}

export const RULES_SERVICE_OPTIONS = Symbol('kairos.rules.options');
