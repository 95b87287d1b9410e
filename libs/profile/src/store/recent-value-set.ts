import { BlockArena, NO_BLOCK } from './block-arena';

/**
 * The values a `distinct`/`distinct_count` feature has seen, each with the newest time it was seen:
 * entries `[valueId, lastSeenMs]`. Bounded to `maxEntries`: when full, the least recently seen value gives way,
 * ties broken by the value itself, so the kept set is the `maxEntries` most recent values whatever order events
 * arrive in. A window then counts the values whose last sighting lies in it: exact up to `maxEntries`.
 */
export class RecentValueSet {
  readonly arena: BlockArena;

  constructor(
    readonly maxEntries: number,
    /** Orders two value ids by their text, for a tie-break independent of interning order. */
    private readonly compareValues: (a: number, b: number) => number,
  ) {
    this.arena = new BlockArena(2, maxEntries);
  }

  emptyCopy(): RecentValueSet {
    return new RecentValueSet(this.maxEntries, this.compareValues);
  }

  copyFrom(source: RecentValueSet, ref: number): number {
    if (ref === NO_BLOCK) return NO_BLOCK;
    source.arena.locate(ref);
    const { chunk, base } = source.arena;
    return this.arena.restoreList(chunk.subarray(base + 1, base + 1 + chunk[base] * 2), chunk[base]);
  }

  /** Records `valueId` seen at `atMs`, first dropping values last seen before `horizonMs`; returns the (possibly moved) ref. */
  add(ref: number, valueId: number, atMs: number, horizonMs: number): number {
    const arena = this.arena;
    if (ref === NO_BLOCK) ref = arena.allocate(1);
    else arena.locate(ref);
    let chunk = arena.chunk;
    let base = arena.base;
    let count = chunk[base];

    let kept = 0;
    let found = -1;
    for (let index = 0; index < count; index++) {
      const entry = base + 1 + index * 2;
      if (chunk[entry + 1] < horizonMs) continue;
      const target = base + 1 + kept * 2;
      chunk[target] = chunk[entry];
      chunk[target + 1] = chunk[entry + 1];
      if (chunk[target] === valueId) found = target;
      kept++;
    }
    count = kept;

    if (found >= 0) {
      if (atMs > chunk[found + 1]) chunk[found + 1] = atMs;
    } else if (count < this.maxEntries) {
      if (count === arena.capacityOf(ref)) {
        chunk[base] = count;
        ref = arena.resize(ref, count + 1);
        chunk = arena.chunk;
        base = arena.base;
      }
      chunk[base + 1 + count * 2] = valueId;
      chunk[base + 2 + count * 2] = atMs;
      count++;
    } else {
      let oldest = base + 1;
      for (let index = 1; index < count; index++) {
        const entry = base + 1 + index * 2;
        if (this.isOlder(chunk[entry + 1], chunk[entry], chunk[oldest + 1], chunk[oldest])) oldest = entry;
      }
      if (this.isOlder(chunk[oldest + 1], chunk[oldest], atMs, valueId)) {
        chunk[oldest] = valueId;
        chunk[oldest + 1] = atMs;
      }
    }
    chunk[base] = count;
    return ref;
  }

  /** How many values were last seen in `[fromMs, toMs]`. */
  count(ref: number, fromMs: number, toMs: number): number {
    if (ref === NO_BLOCK) return 0;
    this.arena.locate(ref);
    const { chunk, base } = this.arena;
    let total = 0;
    for (let index = 0; index < chunk[base]; index++) {
      const seen = chunk[base + 2 + index * 2];
      if (seen >= fromMs && seen <= toMs) total++;
    }
    return total;
  }

  /** The value ids last seen in `[fromMs, toMs]`. */
  values(ref: number, fromMs: number, toMs: number): number[] {
    if (ref === NO_BLOCK) return [];
    this.arena.locate(ref);
    const { chunk, base } = this.arena;
    const out: number[] = [];
    for (let index = 0; index < chunk[base]; index++) {
      const seen = chunk[base + 2 + index * 2];
      if (seen >= fromMs && seen <= toMs) out.push(chunk[base + 1 + index * 2]);
    }
    return out;
  }

  /** Raw `[valueId, lastSeenMs]` entries in stored order (snapshots and state comparison). */
  entries(ref: number): [number, number][] {
    if (ref === NO_BLOCK) return [];
    this.arena.locate(ref);
    const { chunk, base } = this.arena;
    const out: [number, number][] = [];
    for (let index = 0; index < chunk[base]; index++) out.push([chunk[base + 1 + index * 2], chunk[base + 2 + index * 2]]);
    return out;
  }

  private isOlder(seenA: number, valueA: number, seenB: number, valueB: number): boolean {
    return seenA < seenB || (seenA === seenB && this.compareValues(valueA, valueB) < 0);
  }
}
