import type { AuditTrail } from '@kairos/audit';
import type { EventTraceService, PartitionWorker } from '@kairos/customer-state';
import { ActionCatalog, loadActionCatalogFile } from '@kairos/decisioning';
import { ActionSink, DecisionMaker, TriggerRuntime, type TriggerRuntimeOptions } from '@kairos/decisioning-service';
import type { KairosMetrics, Logger } from '@kairos/observability';
import type { FeatureRegistry } from '@kairos/profile';
import { SEED_TRIGGER_DOCUMENT, compileTriggerSet } from '@kairos/triggers';

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
  /** Tick and decision time (tests move days forward); default: the worker's clock. */
  readonly clock?: () => number;
  readonly tracedEventsPerPartition?: number;
  /** Rescoring after each customer's events, for score-change triggers (see TriggerRuntimeOptions). */
  readonly observeScores?: TriggerRuntimeOptions['observeScores'];
}

/**
 * Builds the TriggerRuntime and attaches it to the worker. Call before `startWorker()`: the trigger state of each
 * partition is restored from the same snapshot row as its profile when the partition is assigned.
 */
export function openTriggers(parts: TriggerPartsInput): TriggerRuntime {
  const triggers = compileTriggerSet(parts.document ?? SEED_TRIGGER_DOCUMENT, { registry: parts.registry });
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
  });
  runtime.attach(parts.worker, parts.traces);
  return runtime;
}
