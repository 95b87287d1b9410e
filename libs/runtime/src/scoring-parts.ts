import { join, resolve } from 'node:path';
import { partitionForCustomer } from '@kairos/contracts';
import { ModelRegistryRepository } from '@kairos/persistence';
import { activeWithin, buildPointInTimeDataset, churnedWithin, openedWithin } from '@kairos/scoring';
import { type Holdout, type ScoringServiceOptions, ScoringServices, createScoringServices } from '@kairos/scoring-service';
import { BankSimulation } from '@kairos/simulator';
import type { KairosRuntime } from './kairos-runtime';

const DAY_MS = 86_400_000;
/** The shipped model families under models/ (relative to the working directory, like the governance files). */
export const SHIPPED_MODEL_DIRS = ['models/churn', 'models/activity', 'models/propensity'];

export interface ScoringPartsOptions {
  /** Registered as production at first start; default the shipped models. */
  readonly shippedModelDirs?: readonly string[];
  /** Customers of the registry's own simulated holdout bank (built on the first upload without a holdout). */
  readonly holdoutCustomers?: number;
  /** Registry poll of processes that did not make a change (ms). */
  readonly pollIntervalMs?: number;
}

/**
 * The registry's held-out population: an independent synthetic bank (seed 2002, as the shipped models' cards),
 * folded with the serving registry into point-in-time rows at day 120 with the labels the shipped models use.
 * Built once per process, on the first upload that brings no holdout of its own.
 */
export function simulatedHoldout(runtime: KairosRuntime, customers: number): () => Promise<Holdout> {
  return async () => {
    const startDate = '2025-01-06';
    const cutoffMs = Date.parse(`${startDate}T00:00:00Z`) + 120 * DAY_MS;
    const simulation = new BankSimulation({ seed: 2002, customers, days: 210, startDate });
    const dataset = buildPointInTimeDataset(simulation.events(), {
      registry: runtime.registry,
      cutoffs: [cutoffMs],
      labels: [churnedWithin(30), churnedWithin(90), activeWithin(30), openedWithin('credit_card', 30), openedWithin('installment_loan', 30), openedWithin('debit_card', 30)],
      observedUntilMs: simulation.options.endMs,
    });
    return {
      description: `registry holdout: synthetic bank seed 2002, ${customers} customers, cutoff day 120`,
      rows: dataset.rows.map((row) => ({ features: row.features, asOfMs: row.asOfMs, labels: row.labels, segments: { ageBand: row.segments.ageBand } })),
    };
  };
}

/** Scoring options from the process runtime: its database, feature and purpose registries, audit trail, worker and consent gate. */
export function scoringOptionsFor(runtime: KairosRuntime, options: ScoringPartsOptions = {}): ScoringServiceOptions {
  const partitions = runtime.config.partitions;
  return {
    repository: new ModelRegistryRepository(runtime.database),
    features: runtime.registry,
    purposes: runtime.governance.purposes,
    audit: runtime.audit.journal,
    profiles: {
      partitionOf: (customerId) => partitionForCustomer(customerId, partitions),
      store: (partition) => runtime.worker.store(partition),
      ownedPartitions: () => runtime.worker.ownedPartitions(),
    },
    consent: runtime.governance.consentGate,
    holdout: simulatedHoldout(runtime, options.holdoutCustomers ?? 1_000),
    shippedModelDirs: (options.shippedModelDirs ?? SHIPPED_MODEL_DIRS).map((dir) => resolve(join(dir))),
    metricsRegistry: runtime.metrics.registry,
    logger: runtime.logger.child({ component: 'scoring' }),
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  };
}

const opened = new WeakMap<KairosRuntime, Promise<ScoringServices>>();

/**
 * Scoring for this process: the registry (shipped models registered at first start), the live scorers and the
 * decision core's ScoreSource (`services.scoreSource`). One instance per runtime, shared by the decision core and
 * the HTTP module; the caller stops it (`services.stop()`) before closing the runtime.
 */
export function openScoring(runtime: KairosRuntime, options: ScoringPartsOptions = {}): Promise<ScoringServices> {
  let services = opened.get(runtime);
  if (!services) {
    services = createScoringServices(scoringOptionsFor(runtime, options), true);
    // Outcomes of served scores (AUC over time) are learnt from the events this process folds.
    void services.then(
      (ready) => runtime.worker.onApplied((_partition, records) => ready.outcomes.observe(records.map((record) => record.event))),
      () => undefined,
    );
    opened.set(runtime, services);
    services.catch(() => opened.delete(runtime));
  }
  return services;
}
