import { BlockArena, NO_BLOCK } from './block-arena';

/**
 * Sparse time buckets of one event type for one customer: entries `[bucket, cell1, ..., cellN]` in ascending
 * bucket order, one cell per windowed feature fed by that event type. Only buckets with events exist, so a customer
 * who logs in twice a month holds two entries, not thirty; a list never holds more than `retainBuckets` entries
 * because older buckets are dropped whenever a newer one arrives.
 */
export class BucketSeries {
  readonly arena: BlockArena;
  /** Set by `upsert`: the cell offset (in `arena.chunk`) of the entry found or created, or -1 when it was dropped. */
  entry = -1;

  constructor(
    /** Cells per entry: the bucket number plus one per feature. */
    readonly width: number,
    readonly retainBuckets: number,
    /** The empty value of each feature cell (0 for sums and counts, NaN for min and max). */
    private readonly identities: readonly number[],
  ) {
    this.arena = new BlockArena(width, retainBuckets);
  }

  /** An empty series of the same shape, e.g. to compact into. */
  emptyCopy(): BucketSeries {
    return new BucketSeries(this.width, this.retainBuckets, this.identities);
  }

  /** Copies list `ref` of `source` into this series in a block just big enough; returns the new ref. */
  copyFrom(source: BucketSeries, ref: number): number {
    if (ref === NO_BLOCK) return NO_BLOCK;
    source.arena.locate(ref);
    const { chunk, base } = source.arena;
    return this.arena.restoreList(chunk.subarray(base + 1, base + 1 + chunk[base] * this.width), chunk[base]);
  }

  /**
   * Finds or creates the entry of `bucket` in the list `ref` after dropping entries older than `horizon`, and
   * returns the list's (possibly moved) ref. A bucket older than the horizon is not stored (`entry` = -1): no read
   * at or after the newest event can see it, so storing it would only cost memory.
   */
  upsert(ref: number, bucket: number, horizon: number): number {
    this.entry = -1;
    if (bucket < horizon) return ref;
    const arena = this.arena;
    const width = this.width;
    if (ref === NO_BLOCK) ref = arena.allocate(1);
    else arena.locate(ref);
    let chunk = arena.chunk;
    let base = arena.base;
    let count = chunk[base];

    let expired = 0;
    while (expired < count && chunk[base + 1 + expired * width] < horizon) expired++;
    if (expired > 0) {
      chunk.copyWithin(base + 1, base + 1 + expired * width, base + 1 + count * width);
      count -= expired;
    }

    let index = count - 1;
    while (index >= 0 && chunk[base + 1 + index * width] > bucket) index--;
    if (index >= 0 && chunk[base + 1 + index * width] === bucket) {
      chunk[base] = count;
      this.entry = base + 1 + index * width;
      return ref;
    }

    const at = index + 1;
    if (count === arena.capacityOf(ref)) {
      chunk[base] = count;
      ref = arena.resize(ref, count + 1);
      chunk = arena.chunk;
      base = arena.base;
    }
    const entry = base + 1 + at * width;
    if (at < count) chunk.copyWithin(entry + width, entry, base + 1 + count * width);
    chunk[entry] = bucket;
    for (let cell = 1; cell < width; cell++) chunk[entry + cell] = this.identities[cell - 1];
    chunk[base] = count + 1;
    this.entry = entry;
    return ref;
  }

  /** Sums cell `cell` over the buckets `lo..hi`. */
  sum(ref: number, cell: number, lo: number, hi: number): number {
    if (ref === NO_BLOCK) return 0;
    this.arena.locate(ref);
    const { chunk, base } = this.arena;
    const width = this.width;
    let total = 0;
    for (let index = chunk[base] - 1; index >= 0; index--) {
      const entry = base + 1 + index * width;
      const bucket = chunk[entry];
      if (bucket > hi) continue;
      if (bucket < lo) break;
      total += chunk[entry + cell];
    }
    return total;
  }

  /** The smallest (`sign` 1) or largest (`sign` -1) value of cell `cell` over the buckets `lo..hi`; NaN if none. */
  extreme(ref: number, cell: number, lo: number, hi: number, sign: 1 | -1): number {
    if (ref === NO_BLOCK) return NaN;
    this.arena.locate(ref);
    const { chunk, base } = this.arena;
    const width = this.width;
    let best = NaN;
    for (let index = chunk[base] - 1; index >= 0; index--) {
      const entry = base + 1 + index * width;
      const bucket = chunk[entry];
      if (bucket > hi) continue;
      if (bucket < lo) break;
      const value = chunk[entry + cell];
      if (value === value && (best !== best || (value - best) * sign < 0)) best = value;
    }
    return best;
  }

  /** The entries as plain arrays, oldest first (snapshots and state comparison). */
  entries(ref: number): number[][] {
    if (ref === NO_BLOCK) return [];
    this.arena.locate(ref);
    const { chunk, base } = this.arena;
    const width = this.width;
    const out: number[][] = [];
    for (let index = 0; index < chunk[base]; index++) {
      const entry = base + 1 + index * width;
      out.push(Array.from(chunk.subarray(entry, entry + width)));
    }
    return out;
  }

}
