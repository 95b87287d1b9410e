import { ConfigurationError, type KairosConfig } from '@kairos/config';
import { ContentCatalog, loadContentPolicyFile } from '@kairos/content-service';
import type { PartitionWorker } from '@kairos/customer-state';
import { loadActionCatalogFile, type ActionCatalog } from '@kairos/decisioning';
import { EmbeddedEventLog, type EventLog } from '@kairos/event-log';
import { PartitionWorkerAppliedOffsets, type AuditLog } from '@kairos/governance';
import type { Logger } from '@kairos/observability';
import { ContentDraftRepository, ContentRefBindingRepository } from '@kairos/persistence';
import type { FeatureRegistry } from '@kairos/profile';
import type { DataSource } from 'typeorm';
import {
  type ActionSink,
  type DecisionMaker,
  ContentRefBindings,
  DEFAULT_DECISION_AUDIT_SETTINGS,
  DecisionService,
  ServableContentSource,
  type ApprovedContentSource,
  type DecisionAuditSettings,
  type DecisionRecordReader,
  type DecisionSourcePorts,
  type PartitionHeads,
} from '@kairos/decisioning-service';
import type { GovernanceParts } from './governance-parts';

/**
 * Ports other modules supply to the decision core (each optional: absent ones are not read). Kept open on purpose:
 * scoring, rules, triggers, contact history, campaigns, the owner forwarder and the outbox sink plug in here.
 */
export interface DecisioningPorts extends DecisionSourcePorts {
  /** Where trigger decisions' actions go (the outbox); held here for the trigger path. */
  readonly sink?: ActionSink;
  /** Partition head offsets for read-your-writes; the embedded log's are used when absent. */
  readonly heads?: PartitionHeads;
  /** Approved content; default: the content catalog through the ref bindings. */
  readonly content?: ApprovedContentSource;
  /** Overrides KAIROS_DECISION_AUDIT_MODE / _TRAIL_MS / _TRAIL_RECORDS. */
  readonly auditSettings?: DecisionAuditSettings;
  /** Action catalog file (default governance/actions.json). */
  readonly catalogFile?: string;
  /** The compiled catalog itself, when the caller already loaded it (shared with triggers, outbox and campaigns). */
  readonly catalog?: ActionCatalog;
}

export interface DecisioningParts {
  /** The one DecisionMaker of the process: HTTP and trigger decisions both go through it. */
  readonly service: DecisionService;
  readonly maker: DecisionMaker;
  readonly catalog: ActionCatalog;
  /** Which approved content draft serves each content reference of the catalog. */
  readonly contentBindings: ContentRefBindings;
  readonly auditSettings: DecisionAuditSettings;
  /** Tells the decision core a content draft changed, so its cached servable revision is dropped. */
  readonly contentChanged: (draftId: string) => void;
  readonly sink?: ActionSink;
  readonly ports: DecisioningPorts;
}

export interface DecisioningDependencies {
  readonly config: KairosConfig;
  readonly database: DataSource;
  readonly log: EventLog;
  readonly registry: FeatureRegistry;
  readonly worker: PartitionWorker;
  readonly audit: AuditLog;
  readonly governance: GovernanceParts;
  readonly logger: Logger;
}

/** Builds the decision core of a process from its runtime parts and the optional ports of other modules. */
export function openDecisioning(deps: DecisioningDependencies, ports: DecisioningPorts = {}): DecisioningParts {
  const { config, database, log, registry, worker, audit, governance } = deps;
  const catalog = ports.catalog ?? loadActionCatalogFile(ports.catalogFile, { isFeature: (name) => registry.has(name) });
  const contentBindings = new ContentRefBindings(new ContentRefBindingRepository(database), { logger: deps.logger.child({ component: 'content-refs' }) });
  const servable = new ServableContentSource(new ContentCatalog(new ContentDraftRepository(database), loadContentPolicyFile()), contentBindings);
  const content = ports.content ?? servable;
  const auditSettings = ports.auditSettings ?? decisionAuditSettingsFrom(process.env);
  const heads = ports.heads ?? (log instanceof EmbeddedEventLog ? { headOffset: (partition: number) => log.headOffset(partition) } : undefined);
  const records: DecisionRecordReader = {
    async decisionRecord(decisionId, locale) {
      const page = await audit.service.list({ decisionId, kind: 'decision_served' }, undefined, 1);
      const record = page.records[0];
      return record ? { record, explanation: await audit.service.explain(record.id, locale) } : null;
    },
  };
  const service = new DecisionService({
    ...ports,
    catalog,
    registry,
    partitionCount: config.partitions,
    states: worker,
    applied: new PartitionWorkerAppliedOffsets(worker),
    ...(heads ? { heads } : {}),
    erasures: governance.erasure,
    consentPolicy: governance.purposes.policy,
    content,
    audit: audit.journal,
    records,
    auditSettings,
    logger: deps.logger.child({ component: 'decisioning' }),
  });
  return { service, maker: service, catalog, contentBindings, auditSettings, contentChanged: (draftId) => servable.forget(draftId), ...(ports.sink ? { sink: ports.sink } : {}), ports };
}

/**
 * KAIROS_DECISION_AUDIT_MODE = sync (default) | trailing; in trailing mode KAIROS_DECISION_AUDIT_TRAIL_MS (default 50)
 * and KAIROS_DECISION_AUDIT_TRAIL_RECORDS (default 256) bound how far replies may run ahead of their audit commits.
 */
export function decisionAuditSettingsFrom(env: NodeJS.ProcessEnv): DecisionAuditSettings {
  const mode = env['KAIROS_DECISION_AUDIT_MODE'] ?? DEFAULT_DECISION_AUDIT_SETTINGS.mode;
  if (mode !== 'sync' && mode !== 'trailing') throw new ConfigurationError('KAIROS_DECISION_AUDIT_MODE', 'must be sync or trailing');
  return {
    mode,
    trailingMaxMs: positiveInt(env, 'KAIROS_DECISION_AUDIT_TRAIL_MS', DEFAULT_DECISION_AUDIT_SETTINGS.trailingMaxMs),
    trailingMaxRecords: positiveInt(env, 'KAIROS_DECISION_AUDIT_TRAIL_RECORDS', DEFAULT_DECISION_AUDIT_SETTINGS.trailingMaxRecords),
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 60_000) throw new ConfigurationError(name, 'must be an integer from 1 to 60000');
  return value;
}
