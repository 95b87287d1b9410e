import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import type { FeatureRegistry, PartitionProfileStore } from '@kairos/profile';

/** Where a simulation reads customers from; supplied by the runtime (log, worker, keyring) or a test. */
export interface SimulationSources {
  /** The registry the worker folds with: simulated profiles must read features exactly as serving does. */
  readonly registry: FeatureRegistry;
  ownedPartitions(): readonly number[];
  /** The worker's live store of an owned partition (current profiles). */
  liveStore(partition: number): PartitionProfileStore | undefined;
  /** Stored records of one partition from `fromOffset` (EventLog.read). */
  readLog(partition: number, fromOffset: number, limit: number): Promise<readonly LoggedEvent[]>;
  /** Opens sealed personal data (crypto-shredding) as the worker does before folding. */
  openRecords?(records: readonly LoggedEvent[]): Promise<readonly LoggedEvent[]>;
  /** A seeded synthetic population's events in time order (tools/simulator). */
  population?(options: { readonly seed: number; readonly customers: number; readonly days: number; readonly startDate?: string }): readonly CustomerEvent[];
}
