import { KairosError, LoggedEvent } from '@kairos/contracts';
import type { FeatureRegistry } from '../features/feature-registry';
import { foldEvent } from '../profile/profile-fold';
import { BucketSeries } from './bucket-series';
import { CardTable, ProductTable } from './holding-tables';
import { ProfileColumns } from './profile-columns';
import { RecentValueSet } from './recent-value-set';
import { StringInterner } from './string-interner';

export interface PartitionProfileStoreOptions {
  readonly partition: number;
  readonly registry: FeatureRegistry;
  /** Customers to make room for up front (grows by doubling either way). */
  readonly expectedCustomers?: number;
}

/** Heap the store holds outside the JS object graph (typed arrays), by part; for benchmarks and metrics. */
export interface ProfileStoreFootprint {
  readonly columnBytes: number;
  readonly holdingBytes: number;
  readonly seriesBytes: number;
  readonly setBytes: number;
}

/**
 * Every customer profile of one log partition, stored column-wise (see `ProfileColumns`), plus the offset of the
 * last event applied: the unit a decisioning worker owns, snapshots and restores. Not thread-safe; one worker
 * owns a store.
 */
export class PartitionProfileStore {
  readonly partition: number;
  readonly registry: FeatureRegistry;
  /** Offset of the last log record applied; records at or below it are skipped, so replays are idempotent. */
  lastAppliedOffset = -1;
  /** Records skipped because their event id was applied to the customer moments before (redelivery). */
  duplicatesSkipped = 0;
  readonly strings = new StringInterner();
  readonly columns: ProfileColumns;
  readonly products = new ProductTable();
  readonly cards = new CardTable();
  readonly series: readonly BucketSeries[];
  readonly sets: readonly RecentValueSet[];
  /** Scratch for the fold: one value per operation of a series group. */
  readonly scratch: Float64Array;
  private readonly slots = new Map<string, number>();
  private readonly ids: string[] = [];

  constructor(options: PartitionProfileStoreOptions) {
    if (!Number.isInteger(options.partition) || options.partition < 0) {
      throw new KairosError('INTERNAL', 'partition must be a non-negative integer');
    }
    this.partition = options.partition;
    this.registry = options.registry;
    const layout = options.registry.layout;
    this.columns = new ProfileColumns(layout.scalarIdentities, layout.groups.length, layout.sets.length);
    this.columns.ensure(options.expectedCustomers ?? 0);
    this.series = layout.groups.map((group) => new BucketSeries(1 + group.identities.length, group.retainBuckets, group.identities));
    const compareValues = (a: number, b: number) => {
      const x = this.strings.valueOf(a);
      const y = this.strings.valueOf(b);
      return x < y ? -1 : x > y ? 1 : 0;
    };
    this.sets = layout.sets.map((set) => new RecentValueSet(set.maxEntries, compareValues));
    this.scratch = new Float64Array(layout.maxGroupOps);
  }

  get size(): number {
    return this.ids.length;
  }

  /** The slot of `customerId`, or -1. */
  slotOf(customerId: string): number {
    return this.slots.get(customerId) ?? -1;
  }

  /** The slot of `customerId`, created empty if new. */
  ensureSlot(customerId: string): number {
    let slot = this.slots.get(customerId);
    if (slot === undefined) {
      slot = this.ids.length;
      this.columns.ensure(slot + 1);
      this.ids.push(customerId);
      this.slots.set(customerId, slot);
    }
    return slot;
  }

  customerIdAt(slot: number): string {
    return this.ids[slot];
  }

  /** Customer ids in slot order. */
  customerIds(): readonly string[] {
    return this.ids;
  }

  /**
   * Applies one record of this partition's log. Returns false, changing no profile, for a record at or below
   * `lastAppliedOffset` (a worker may replay from an older offset after a crash) and for a redelivered event (an
   * id the customer's last few events had); the offset still counts as applied.
   */
  apply(logged: LoggedEvent): boolean {
    if (logged.partition !== this.partition) {
      throw new KairosError('INTERNAL', `record of partition ${logged.partition} applied to the store of partition ${this.partition}`);
    }
    if (logged.offset <= this.lastAppliedOffset) return false;
    this.lastAppliedOffset = logged.offset;
    if (foldEvent(this, this.ensureSlot(logged.event.customerId), logged.event, logged.offset)) return true;
    this.duplicatesSkipped++;
    return false;
  }

  footprint(): ProfileStoreFootprint {
    return {
      columnBytes: this.columns.bytes,
      holdingBytes: this.products.bytes + this.cards.bytes,
      seriesBytes: this.series.reduce((total, series) => total + series.arena.bytes, 0),
      setBytes: this.sets.reduce((total, set) => total + set.arena.bytes, 0),
    };
  }
}
