import { KairosError, LoggedEvent } from '@kairos/contracts';
import type { FeatureRegistry } from '../features/feature-registry';
import { foldEvent } from '../profile/profile-fold';
import { BucketSeries } from './bucket-series';
import { CustomerIndex } from './byte-strings';
import { CardTable, ProductTable } from './holding-tables';
import { I_CARD_HEAD, I_PRODUCT_HEAD, I_REFS, ProfileRows } from './profile-rows';
import { RecentValueSet } from './recent-value-set';
import { StringInterner } from './string-interner';

export interface PartitionProfileStoreOptions {
  readonly partition: number;
  readonly registry: FeatureRegistry;
  /** Customers to make room for up front (the store grows by a quarter when full either way). */
  readonly expectedCustomers?: number;
}

/** Row and byte counts of a store, carried by snapshots so a restore allocates exactly. */
export interface StoreSizes {
  readonly customers: number;
  readonly customerIdBytes: number;
  readonly products: number;
  readonly productIdBytes: number;
  readonly cards: number;
  readonly cardIdBytes: number;
}

/** Memory the store holds in typed arrays, by part; for benchmarks and metrics. */
export interface ProfileStoreFootprint {
  readonly indexBytes: number;
  readonly rowBytes: number;
  readonly holdingBytes: number;
  readonly seriesBytes: number;
  readonly setBytes: number;
}

/**
 * Every customer profile of one log partition, plus the offset of the last event applied: the unit a decisioning
 * worker owns, snapshots and restores. All per-customer state lives in typed arrays (`ProfileRows`, the block
 * arenas, the holding tables, `CustomerIndex`), so the garbage collector sees a few hundred objects whatever the
 * number of customers. Not thread-safe; one worker owns a store.
 */
export class PartitionProfileStore {
  readonly partition: number;
  readonly registry: FeatureRegistry;
  /** Offset of the last log record applied; records at or below it are skipped, so replays are idempotent. */
  lastAppliedOffset = -1;
  /** Records skipped because their event id was applied to the customer moments before (redelivery). */
  duplicatesSkipped = 0;
  readonly strings = new StringInterner();
  readonly rows: ProfileRows;
  readonly products = new ProductTable();
  readonly cards = new CardTable();
  series: readonly BucketSeries[];
  sets: readonly RecentValueSet[];
  /** Scratch for the fold: one value per operation of a series group. */
  readonly scratch: Float64Array;
  private readonly index = new CustomerIndex();

  constructor(options: PartitionProfileStoreOptions) {
    if (!Number.isInteger(options.partition) || options.partition < 0) {
      throw new KairosError('INTERNAL', 'partition must be a non-negative integer');
    }
    this.partition = options.partition;
    this.registry = options.registry;
    const layout = options.registry.layout;
    this.rows = new ProfileRows(layout.scalarIdentities, layout.groups.length, layout.sets.length);
    this.rows.reserve(options.expectedCustomers ?? 0);
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
    return this.index.size;
  }

  /** The slot of `customerId`, or -1. */
  slotOf(customerId: string): number {
    return this.index.find(customerId);
  }

  /** The slot of `customerId`, created empty if new. */
  ensureSlot(customerId: string): number {
    const slot = this.index.find(customerId);
    if (slot >= 0) return slot;
    this.rows.ensure(this.index.size + 1);
    return this.index.add(customerId);
  }

  customerIdAt(slot: number): string {
    return this.index.idAt(slot);
  }

  /** Customer ids in slot order (allocates one string per customer: for tools and tests, not hot paths). */
  customerIds(): string[] {
    const ids: string[] = [];
    for (let slot = 0; slot < this.size; slot++) ids.push(this.index.idAt(slot));
    return ids;
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
    // The offset counts as applied only once the fold returned: a fold that throws (a bug) must hold the partition
    // at this record, visibly, instead of letting the consumer's retry skip it.
    const changed = this.foldRecord(logged);
    this.lastAppliedOffset = logged.offset;
    if (!changed && logged.event.type !== 'customer_erased') this.duplicatesSkipped++;
    return changed;
  }

  private foldRecord(logged: LoggedEvent): boolean {
    // Erasure forgets; it never creates a slot, so a redelivered erasure finds nothing and changes nothing.
    if (logged.event.type === 'customer_erased') return this.forget(logged.event.customerId);
    return foldEvent(this, this.ensureSlot(logged.event.customerId), logged.event, logged.offset);
  }

  /**
   * Forgets a customer entirely (Art. 17): window buckets and value sets are zeroed and released, product and
   * card rows zeroed and freed, the id bytes zeroed, and the row emptied; the customer of the last slot moves
   * into the freed slot so slots stay dense. Afterwards `slotOf` returns -1 and no snapshot holds anything of
   * the customer. Handles (`ProfileState`) taken before are invalid: take them per request. Returns false if
   * the customer was not in the store.
   */
  forget(customerId: string): boolean {
    const slot = this.index.find(customerId);
    if (slot < 0) return false;
    const rows = this.rows;
    const i = slot * rows.i32Width;
    this.series.forEach((series, group) => series.arena.erase(rows.i32[i + I_REFS + group]));
    this.sets.forEach((set, index) => set.arena.erase(rows.i32[i + rows.setRefs + index]));
    this.products.releaseList(rows.i32[i + I_PRODUCT_HEAD]);
    this.cards.releaseList(rows.i32[i + I_CARD_HEAD]);
    const removed = this.index.remove(customerId);
    if (removed === null) return false;
    if (removed.movedFrom !== removed.slot) rows.move(removed.movedFrom, removed.slot);
    rows.clear(removed.movedFrom);
    return true;
  }

  /**
   * Rewrites the window buckets and value sets into fresh arenas with every list in a block just big enough, and
   * reclaims the id bytes erasures left behind.
   * Lists grow through size classes and leave smaller blocks behind for reuse; after a bulk load (replay, cold
   * start) most are never reused. Takes about a second per million customers; run it after a replay or a
   * snapshot, not per event. Changes no value.
   */
  compact(): void {
    const rows = this.rows;
    this.series = this.series.map((old, group) => {
      const fresh = old.emptyCopy();
      for (let slot = 0, ref = I_REFS + group; slot < this.size; slot++, ref += rows.i32Width) rows.i32[ref] = fresh.copyFrom(old, rows.i32[ref]);
      return fresh;
    });
    this.sets = this.sets.map((old, set) => {
      const fresh = old.emptyCopy();
      for (let slot = 0, ref = rows.setRefs + set; slot < this.size; slot++, ref += rows.i32Width) rows.i32[ref] = fresh.copyFrom(old, rows.i32[ref]);
      return fresh;
    });
    this.index.compact();
    this.products.productIds.compact(this.products.size);
    this.cards.cardIds.compact(this.cards.size);
  }

  /** Sizes every table for a restore of known size, so it holds no growth slack. */
  reserve(sizes: StoreSizes): void {
    this.rows.reserve(sizes.customers);
    this.index.reserve(sizes.customers, sizes.customerIdBytes);
    this.products.reserve(sizes.products);
    this.products.productIds.reserve(sizes.products, sizes.productIdBytes);
    this.cards.reserve(sizes.cards);
    this.cards.cardIds.reserve(sizes.cards, sizes.cardIdBytes);
  }

  sizes(): StoreSizes {
    return {
      customers: this.size,
      customerIdBytes: this.index.textBytes,
      products: this.products.liveRows,
      productIdBytes: this.products.productIds.textBytes,
      cards: this.cards.liveRows,
      cardIdBytes: this.cards.cardIds.textBytes,
    };
  }

  footprint(): ProfileStoreFootprint {
    return {
      indexBytes: this.index.bytesUsed,
      rowBytes: this.rows.bytes,
      holdingBytes: this.products.bytes + this.cards.bytes,
      seriesBytes: this.series.reduce((total, series) => total + series.arena.bytes, 0),
      setBytes: this.sets.reduce((total, set) => total + set.arena.bytes, 0),
    };
  }
}
