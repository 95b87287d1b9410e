import { ModelMonitoringService } from './monitoring/model-monitoring.service';
import { OutcomeRecordingScoreSource } from './monitoring/outcome-recording-score-source';
import { ServedScoreOutcomes } from './monitoring/served-score-outcomes';
import { ScoringMetrics } from './monitoring/scoring-metrics';
import { ModelRegistryService } from './registry/model-registry.service';
import type { ScoringServiceOptions } from './scoring-options';
import { CustomerScoringService } from './serving/customer-scoring.service';
import { LiveModelSet } from './serving/live-models';
import type { ModelScoreSource } from './serving/model-score-source';
import { SegmentScoringService } from './serving/segment-scoring.service';

/** Default poll of the registry generation by processes that did not make a change themselves. */
export const DEFAULT_REGISTRY_POLL_MS = 3_000;

/** Everything scoring runs, built once per process and shared by HTTP and the decision core. */
export class ScoringServices {
  constructor(
    readonly live: LiveModelSet,
    readonly registry: ModelRegistryService,
    readonly scoreSource: ModelScoreSource,
    readonly customers: CustomerScoringService,
    readonly segments: SegmentScoringService,
    readonly monitoring: ModelMonitoringService,
    readonly metrics: ScoringMetrics,
    /** Served scores followed until their labels arrive; feed it the partition stream (`outcomes.observe`). */
    readonly outcomes: ServedScoreOutcomes,
    /** True when the runtime built the services and owns their lifetime (not the Nest module). */
    readonly shared: boolean,
  ) {}

  stop(): void {
    this.live.stop();
  }
}

/**
 * Builds the scoring services, registers the shipped models on a registry that has none of them, loads the live
 * versions and starts polling the registry. `shared`: the caller (the runtime) stops them, not the HTTP module.
 */
export async function createScoringServices(options: ScoringServiceOptions, shared = false): Promise<ScoringServices> {
  const live = new LiveModelSet(options.repository, options.logger);
  const outcomes = new ServedScoreOutcomes();
  const metrics = new ScoringMetrics(live, options.metricsRegistry, outcomes, options.clock);
  const registry = new ModelRegistryService(options, live);
  if (options.shippedModelDirs && options.shippedModelDirs.length > 0) await registry.registerShipped(options.shippedModelDirs);
  await live.refresh(true);
  live.startPolling(options.pollIntervalMs ?? DEFAULT_REGISTRY_POLL_MS);
  return new ScoringServices(
    live,
    registry,
    new OutcomeRecordingScoreSource(live, outcomes),
    new CustomerScoringService(options, live, metrics),
    new SegmentScoringService(options, live),
    new ModelMonitoringService(options, live, metrics, outcomes),
    metrics,
    outcomes,
    shared,
  );
}
