import type { AuditTrail } from '@kairos/audit';
import type { PurposeRegistry } from '@kairos/consent';
import type { ConsentChannel } from '@kairos/contracts';
import type { Logger } from '@kairos/observability';
import type { ModelRegistryRepository } from '@kairos/persistence';
import type { FeatureRegistry, PartitionProfileStore } from '@kairos/profile';
import type { Registry } from 'prom-client';
import type { Holdout } from './registry/holdout-evaluation';

/** The profiles of the partitions this process owns (the partition worker). */
export interface OwnedProfiles {
  partitionOf(customerId: string): number;
  /** The partition's store, or undefined when this process does not own it right now. */
  store(partition: number): PartitionProfileStore | undefined;
  ownedPartitions(): readonly number[];
}

/** The audited consent check (ConsentGate): a denial is written to the audit log before it answers. */
export interface ScoringConsentGate {
  may(customerId: string, purpose: string, channel: ConsentChannel | null, atMs: number): Promise<{ readonly allowed: boolean; readonly reason: string }>;
}

export const SCORING_SERVICE_OPTIONS = Symbol('SCORING_SERVICE_OPTIONS');

export interface ScoringServiceOptions {
  readonly repository: ModelRegistryRepository;
  /** The serving feature registry (what profiles fold): signatures are checked against it. */
  readonly features: FeatureRegistry;
  /** The record of processing: purposes, legal bases, which features serve which purpose. */
  readonly purposes: PurposeRegistry;
  readonly audit: AuditTrail;
  readonly profiles: OwnedProfiles;
  readonly consent: ScoringConsentGate;
  /** The registry's own held-out population, for uploads that bring none (built lazily, once). */
  readonly holdout?: () => Promise<Holdout>;
  /** Directories of shipped models (model-card.json + artifact/) registered as production at first start. */
  readonly shippedModelDirs?: readonly string[];
  /** Where scoring registers its metrics (the process's /metrics registry). */
  readonly metricsRegistry?: Registry;
  readonly logger: Logger;
  /** How often scorers look for registry changes made by other processes (ms; 0: never). */
  readonly pollIntervalMs?: number;
  readonly clock?: () => number;
}
