import type { AuditTrail } from '@kairos/audit';
import type { KairosConfig } from '@kairos/config';
import type { PartitionWorker } from '@kairos/customer-state';
import type { EventLog } from '@kairos/event-log';
import type { Logger } from '@kairos/observability';
import { RuleSetRepository } from '@kairos/persistence';
import type { FeatureRegistry } from '@kairos/profile';
import { DeployedRuleSets, DeploymentPoller, ruleInputCatalog, type RulesServiceOptions, type SimulationSources } from '@kairos/rules-service';
import { simulateBank } from '@kairos/simulator';
import type { DataSource } from 'typeorm';
import type { PrivacyParts } from './privacy-parts';

/** Rule sets of a process: the RuleSource the decision core evaluates, its poller, and the lifecycle's options. */
export interface RulesParts {
  /** The decision core's RuleSource (RulePort): deployed rule sets, compiled, swapped atomically. */
  readonly source: DeployedRuleSets;
  readonly poller: DeploymentPoller;
  readonly options: RulesServiceOptions;
  /** Loads what is deployed and starts polling (idempotent); the HTTP module calls it on bootstrap. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RulesDependencies {
  readonly config: KairosConfig;
  readonly database: DataSource;
  readonly log: EventLog;
  readonly worker: PartitionWorker;
  readonly registry: FeatureRegistry;
  readonly audit: AuditTrail;
  readonly privacy: Pick<PrivacyParts, 'opener'>;
  readonly logger: Logger;
  /** How often a process checks for deployments made elsewhere (ms). */
  readonly pollIntervalMs?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 2_000;

export function openRules(deps: RulesDependencies): RulesParts {
  const repository = new RuleSetRepository(deps.database);
  const source = new DeployedRuleSets();
  const logger = deps.logger.child({ component: 'rules' });
  const poller = new DeploymentPoller(repository, source, deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, logger);
  const simulation: SimulationSources = {
    registry: deps.registry,
    ownedPartitions: () => deps.worker.ownedPartitions(),
    liveStore: (partition) => deps.worker.store(partition),
    readLog: (partition, fromOffset, limit) => deps.log.read(partition, fromOffset, limit),
    openRecords: (records) => deps.privacy.opener.openRecords(records),
    population: (options) =>
      simulateBank(options).events.map((event) => ({ ...event, customerId: event.customerId!, occurredAtMs: Date.parse(event.occurredAt), receivedAtMs: Date.parse(event.occurredAt) })),
  };
  const options: RulesServiceOptions = { repository, audit: deps.audit, inputs: ruleInputCatalog(deps.registry), source, poller, simulation, logger };
  return { source, poller, options, start: () => poller.start(), stop: () => poller.stop() };
}
