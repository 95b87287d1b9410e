import type { AuditTrail } from '@kairos/audit';
import type { EventTraceService, PartitionWorker } from '@kairos/customer-state';
import { ActionCatalog, loadActionCatalogFile } from '@kairos/decisioning';
import {
  ActionSink,
  DecisionMaker,
  PersistedTriggerTraces,
  ServedTriggerSet,
  TriggerRuntime,
  checkTriggerDocument,
  type TriggerRuntimeOptions,
  type TriggerSetLifecycleOptions,
} from '@kairos/decisioning-service';
import type { KairosMetrics, Logger } from '@kairos/observability';
import { TriggerSetVersionRepository, TriggerTraceRepository } from '@kairos/persistence';
import type { FeatureRegistry } from '@kairos/profile';
import { SEED_TRIGGER_DOCUMENT, TriggerSet, compileTriggerSet } from '@kairos/triggers';
import type { DataSource } from 'typeorm';

/** The parts of a KairosRuntime the triggers need, plus the decision ports of the decisioning service. */
export interface TriggerPartsInput {
  readonly worker: PartitionWorker;
  readonly registry: FeatureRegistry;
  /** `runtime.audit.journal`. */
  readonly audit: AuditTrail;
  readonly logger: Logger;
  readonly metrics?: KairosMetrics;
  /** `runtime.traces`: fills `GET /v1/events/{id}/trace` with trigger, decision and action stages. */
  readonly traces?: EventTraceService;
  /**
   * Called when a fire asks for an outbound decision. The decision maker reads `recentFires` from the returned
   * TriggerRuntime; build it with a source that defers to the runtime (`{ recentFires: (...a) => triggers.recentFires(...a) }`).
   */
  readonly decisions: DecisionMaker;
  readonly actions: ActionSink;
  /** Default: governance/actions.json, checked against the registry and the trigger ids. */
  readonly catalog?: ActionCatalog;
  /** A trigger document (`{ version, triggers }`); default: the seed document of @kairos/triggers. */
  readonly document?: unknown;
  /** The set to run, compiled already (the deployed one, see `loadTriggerSets`); wins over `document`. */
  readonly triggers?: TriggerSet;
  /** Tick and decision time (tests move days forward); default: the worker's clock. */
  readonly clock?: () => number;
  readonly tracedEventsPerPartition?: number;
  /** Rescoring after each customer's events, for score-change triggers (see TriggerRuntimeOptions). */
  readonly observeScores?: TriggerRuntimeOptions['observeScores'];
  /** Keeps the trace's fires, decisions and actions past a restart (`TriggerSetParts.traces`); default: memory only. */
  readonly persistedTraces?: PersistedTriggerTraces;
}

/**
 * Builds the TriggerRuntime and attaches it to the worker. Call before `startWorker()`: the trigger state of each
 * partition is restored from the same snapshot row as its profile when the partition is assigned.
 */
export function openTriggers(parts: TriggerPartsInput): TriggerRuntime {
  const triggers = parts.triggers ?? compileTriggerSet(parts.document ?? SEED_TRIGGER_DOCUMENT, { registry: parts.registry });
  const catalog =
    parts.catalog ?? loadActionCatalogFile(undefined, { isFeature: (name) => parts.registry.has(name), triggerIds: new Set(triggers.triggers.map((t) => t.id)) });
  const runtime = new TriggerRuntime({
    triggers,
    catalog,
    audit: parts.audit,
    decisions: parts.decisions,
    actions: parts.actions,
    logger: parts.logger.child({ component: 'triggers' }),
    metrics: parts.metrics,
    clock: parts.clock,
    tracedEventsPerPartition: parts.tracedEventsPerPartition,
    observeScores: parts.observeScores,
    persistedTraces: parts.persistedTraces,
  });
  runtime.attach(parts.worker, parts.traces);
  return runtime;
}

/**
 * The stored side of a process's triggers: the authored trigger sets (their table, and the set the process runs,
 * kept on the deployed version by polling) and the persisted trace.
 */
export interface TriggerSetParts {
  readonly repository: TriggerSetVersionRepository;
  readonly served: ServedTriggerSet;
  readonly traces: PersistedTriggerTraces;
  /** Polls the deployed version and writes trace stages (once the worker runs). */
  start(): Promise<void>;
  /** Stops both and writes what is buffered (before the database closes). */
  stop(): Promise<void>;
}

/**
 * Reads which trigger set to run at boot: the deployed version, else the seed document. Call before the trigger
 * runtime is built (it starts with `served.current.set`), then `served.attach(runtime)` and `served.start()`.
 */
export async function loadTriggerSets(deps: { readonly database: DataSource; readonly registry: FeatureRegistry; readonly logger: Logger; readonly pollIntervalMs?: number }): Promise<TriggerSetParts> {
  const repository = new TriggerSetVersionRepository(deps.database);
  const compile = (document: unknown) => compileTriggerSet(document, { registry: deps.registry });
  const served = await ServedTriggerSet.load({
    repository,
    compile,
    seed: compile(SEED_TRIGGER_DOCUMENT),
    logger: deps.logger.child({ component: 'trigger-sets' }),
    ...(deps.pollIntervalMs !== undefined ? { pollIntervalMs: deps.pollIntervalMs } : {}),
  });
  const traces = new PersistedTriggerTraces({ store: new TriggerTraceRepository(deps.database), logger: deps.logger.child({ component: 'trigger-traces' }) });
  return {
    repository,
    served,
    traces,
    start: async () => {
      traces.start();
      await served.start();
    },
    stop: async () => {
      await served.stop();
      await traces.stop();
    },
  };
}

/** The options of /v1/trigger-sets: documents are checked against the registry and the base action catalog. */
export function triggerSetLifecycleOptions(parts: TriggerSetParts, deps: { readonly registry: FeatureRegistry; readonly catalog: ActionCatalog; readonly audit: AuditTrail }): TriggerSetLifecycleOptions {
  return {
    repository: parts.repository,
    audit: deps.audit,
    check: (document) => checkTriggerDocument(document, { registry: deps.registry, catalog: deps.catalog }),
    served: parts.served,
  };
}
