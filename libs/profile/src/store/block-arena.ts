/**
 * Variable-length per-customer lists (window buckets, distinct values) live in blocks carved out of a few large
 * Float64Arrays instead of one small array per customer: a million customers then cost the garbage collector a
 * handful of objects, not millions, and a block costs 8 bytes per cell with no object header.
 *
 * A block is `[count, entry0, entry1, ...]`, each entry `entryWidth` cells. Capacities grow by about 1.5x so a
 * list wastes little. A block is addressed by a ref (`blockIndex * CLASS_SLOTS + sizeClass`); -1 means none.
 */
export const NO_BLOCK = -1;

const CLASS_SLOTS = 32;
const CHUNK_SHIFT = 12;
const CHUNK_BLOCKS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_BLOCKS - 1;
const FIRST_CHUNK_BLOCKS = 4;
const CAPACITIES = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536];

class SizeClass {
  readonly chunks: Float64Array[] = [];
  /** Blocks ever handed out; freed ones are reused first. */
  used = 0;
  private free = new Int32Array(8);
  private freeCount = 0;

  constructor(
    readonly capacity: number,
    readonly blockCells: number,
  ) {}

  allocate(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount];
    const index = this.used++;
    const chunkIndex = index >>> CHUNK_SHIFT;
    const offset = index & CHUNK_MASK;
    if (chunkIndex === this.chunks.length) {
      // The first chunk starts tiny and doubles, so a store with one customer stays small.
      this.chunks.push(new Float64Array((chunkIndex === 0 ? FIRST_CHUNK_BLOCKS : CHUNK_BLOCKS) * this.blockCells));
    } else if (chunkIndex === 0 && offset * this.blockCells >= this.chunks[0].length) {
      const grown = new Float64Array(Math.min(CHUNK_BLOCKS, offset * 2) * this.blockCells);
      grown.set(this.chunks[0]);
      this.chunks[0] = grown;
    }
    return index;
  }

  release(index: number): void {
    if (this.freeCount === this.free.length) {
      const grown = new Int32Array(this.free.length * 2);
      grown.set(this.free);
      this.free = grown;
    }
    this.free[this.freeCount++] = index;
  }

  get bytes(): number {
    let total = this.free.byteLength;
    for (const chunk of this.chunks) total += chunk.byteLength;
    return total;
  }
}

export class BlockArena {
  private readonly classes: SizeClass[] = [];
  /** Set by `locate`: the chunk and cell offset of the block last located (a cursor, so lookups allocate nothing). */
  chunk: Float64Array = new Float64Array(0);
  base = 0;

  constructor(
    readonly entryWidth: number,
    readonly maxEntries: number,
  ) {
    for (const capacity of CAPACITIES) {
      this.classes.push(new SizeClass(capacity, 1 + capacity * entryWidth));
      if (capacity >= maxEntries) return;
    }
    throw new RangeError(`a block list of ${maxEntries} entries is larger than the arena supports`);
  }

  /** Allocates an empty block holding at least `entries` entries and locates it. */
  allocate(entries: number): number {
    let sizeClass = 0;
    while (this.classes[sizeClass].capacity < entries) sizeClass++;
    const index = this.classes[sizeClass].allocate();
    const ref = index * CLASS_SLOTS + sizeClass;
    this.locate(ref);
    this.chunk[this.base] = 0;
    return ref;
  }

  release(ref: number): void {
    this.classes[ref % CLASS_SLOTS].release(Math.floor(ref / CLASS_SLOTS));
  }

  /** Zeroes a block's cells, then releases it: what an erased customer held is gone, not just unreachable. */
  erase(ref: number): void {
    if (ref === NO_BLOCK) return;
    this.locate(ref);
    this.chunk.fill(0, this.base, this.base + this.classes[ref % CLASS_SLOTS].blockCells);
    this.release(ref);
  }

  locate(ref: number): void {
    const sizeClass = this.classes[ref % CLASS_SLOTS];
    const index = Math.floor(ref / CLASS_SLOTS);
    this.chunk = sizeClass.chunks[index >>> CHUNK_SHIFT];
    this.base = (index & CHUNK_MASK) * sizeClass.blockCells;
  }

  capacityOf(ref: number): number {
    return this.classes[ref % CLASS_SLOTS].capacity;
  }

  /**
   * Moves the located block into one with room for `entries`, frees the old one and locates the new one.
   * Returns the new ref.
   */
  resize(ref: number, entries: number): number {
    this.locate(ref);
    const oldChunk = this.chunk;
    const oldBase = this.base;
    const used = 1 + oldChunk[oldBase] * this.entryWidth;
    const grown = this.allocate(entries);
    const chunk = this.chunk;
    const base = this.base;
    for (let i = 0; i < used; i++) chunk[base + i] = oldChunk[oldBase + i];
    this.release(ref);
    return grown;
  }

  /**
   * Lists are blocks whose first cell holds their entry count. Locates list `ref` and returns its entry count; 0 for
   * none.
   */
  openList(ref: number): number {
    if (ref === NO_BLOCK) return 0;
    this.locate(ref);
    return this.chunk[this.base];
  }

  /** Allocates and locates a list of exactly `count` entries for the caller to fill; NO_BLOCK when empty. */
  newList(count: number): number {
    if (count === 0) return NO_BLOCK;
    const ref = this.allocate(count);
    this.chunk[this.base] = count;
    return ref;
  }

  /** Rebuilds a list from `count` entries of flat cells (as a snapshot writes them). */
  restoreList(cells: Float64Array | readonly number[], count: number): number {
    if (count === 0) return NO_BLOCK;
    const ref = this.allocate(count);
    const { chunk, base } = this;
    for (let i = 0; i < count * this.entryWidth; i++) chunk[base + 1 + i] = cells[i];
    chunk[base] = count;
    return ref;
  }

  get bytes(): number {
    let total = 0;
    for (const sizeClass of this.classes) total += sizeClass.bytes;
    return total;
  }
}
