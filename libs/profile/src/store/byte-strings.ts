import { grownColumn, nextCapacity } from './typed-columns';

/**
 * Identifiers (customer, product and card ids) held as Latin-1 bytes in one growing buffer, one entry per row,
 * instead of one JS string each: a million customers then add no objects for the garbage collector to trace,
 * and an id costs its length plus 6 bytes. Ids are ASCII by contract (`identifierSchema`); any text with a code
 * unit above 0xFF is still kept exactly, as a string on the side.
 */
export class ByteStrings {
  private bytes = new Uint8Array(256);
  private used = 0;
  /** Bytes of cleared rows: zeroed, not yet reclaimed (see `compact`). */
  private dead = 0;
  private offsets = new Int32Array(0);
  private lengths = new Uint16Array(0);
  private readonly wide = new Map<number, string>();
  private static readonly WIDE = 0xffff;

  /** Makes room for rows `0..rows-1`. */
  ensure(rows: number): void {
    if (rows > this.offsets.length) this.reserve(nextCapacity(this.offsets.length, rows), 0);
  }

  /** Makes room for exactly `rows` rows and `bytes` more bytes of text (a restore knows both). */
  reserve(rows: number, bytes: number): void {
    if (rows > this.offsets.length) {
      this.offsets = grownColumn(this.offsets, rows, 0);
      this.lengths = grownColumn(this.lengths, rows, 0);
    }
    if (this.used + bytes > this.bytes.length) this.growBytes(this.used + bytes, false);
  }

  /** Bytes of text held by live rows (for sizing a restore). */
  get textBytes(): number {
    return this.used - this.dead;
  }

  /**
   * Forgets the text of `row`: its bytes are overwritten with zeros at once (an erased customer's id must not
   * linger in memory or reach a heap dump) and the row reads as the empty string until set again.
   */
  clear(row: number): void {
    const length = this.lengths[row];
    if (length === ByteStrings.WIDE) this.wide.delete(row);
    else {
      this.bytes.fill(0, this.offsets[row], this.offsets[row] + length);
      this.dead += length;
    }
    this.offsets[row] = 0;
    this.lengths[row] = 0;
  }

  /** Rewrites rows `0..rows-1` into a buffer without the space cleared rows left behind. */
  compact(rows: number): void {
    if (this.dead === 0) return;
    const packed = new Uint8Array(Math.max(256, this.used - this.dead));
    let used = 0;
    for (let row = 0; row < rows; row++) {
      const length = this.lengths[row];
      if (length === ByteStrings.WIDE || length === 0) continue;
      packed.set(this.bytes.subarray(this.offsets[row], this.offsets[row] + length), used);
      this.offsets[row] = used;
      used += length;
    }
    this.bytes = packed;
    this.used = used;
    this.dead = 0;
  }

  set(row: number, text: string): void {
    this.ensure(row + 1);
    if (this.lengths[row] !== 0) this.clear(row);
    if (text.length >= ByteStrings.WIDE || !isLatin1(text)) {
      this.wide.set(row, text);
      this.lengths[row] = ByteStrings.WIDE;
      return;
    }
    if (this.used + text.length > this.bytes.length) this.growBytes(this.used + text.length, true);
    for (let i = 0; i < text.length; i++) this.bytes[this.used + i] = text.charCodeAt(i);
    this.offsets[row] = this.used;
    this.lengths[row] = text.length;
    this.used += text.length;
  }

  equals(row: number, text: string): boolean {
    const length = this.lengths[row];
    if (length === ByteStrings.WIDE) return this.wide.get(row) === text;
    if (length !== text.length) return false;
    const bytes = this.bytes;
    const offset = this.offsets[row];
    for (let i = 0; i < length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  get(row: number): string {
    const length = this.lengths[row];
    if (length === ByteStrings.WIDE) return this.wide.get(row) as string;
    const offset = this.offsets[row];
    return String.fromCharCode.apply(null, this.bytes.subarray(offset, offset + length) as unknown as number[]);
  }

  get bytesUsed(): number {
    return this.bytes.byteLength + this.offsets.byteLength + this.lengths.byteLength;
  }

  private growBytes(needed: number, withSlack: boolean): void {
    const grown = new Uint8Array(withSlack ? nextCapacity(this.bytes.length, needed) : needed);
    grown.set(this.bytes.subarray(0, this.used));
    this.bytes = grown;
  }
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/** FNV-1a over UTF-16 code units. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/**
 * Customer id → slot, an open-addressing hash table over typed arrays (entries `[hash, slot]`, -1 = empty, load
 * at most 1/2). Ids live in `ByteStrings`; a lookup compares the hash, then the bytes, so it is exact.
 */
export class CustomerIndex {
  private readonly ids = new ByteStrings();
  private table = new Int32Array(32).fill(-1);
  private mask = 15;
  size = 0;

  find(id: string): number {
    const bucket = this.bucketOf(id);
    return bucket < 0 ? -1 : this.table[bucket * 2 + 1];
  }

  /** Adds an id not yet present; returns its slot (slots are dense, in order of addition). */
  add(id: string): number {
    const slot = this.size++;
    this.ids.set(slot, id);
    if (this.size * 2 > this.mask + 1) this.rehash();
    this.insert(hashText(id), slot);
    return slot;
  }

  idAt(slot: number): string {
    return this.ids.get(slot);
  }

  /**
   * Removes `id` and keeps slots dense: the customer in the last slot moves into the freed one. Returns the freed
   * slot and the slot that moved into it (equal when the removed customer was last), or null if `id` is absent.
   */
  remove(id: string): { readonly slot: number; readonly movedFrom: number } | null {
    const bucket = this.bucketOf(id);
    if (bucket < 0) return null;
    const slot = this.table[bucket * 2 + 1];
    this.unlink(bucket);
    this.ids.clear(slot);
    const last = --this.size;
    if (slot !== last) {
      const moved = this.ids.get(last);
      this.table[this.bucketOf(moved) * 2 + 1] = slot;
      this.ids.set(slot, moved);
      this.ids.clear(last);
    }
    return { slot, movedFrom: last };
  }

  /** Reclaims the id bytes removals left behind. */
  compact(): void {
    this.ids.compact(this.size);
  }

  get textBytes(): number {
    return this.ids.textBytes;
  }

  /** Sizes the table and id storage for `customers` ids of `bytes` in total (restores). */
  reserve(customers: number, bytes: number): void {
    this.ids.reserve(customers, bytes);
    while (customers * 2 > this.mask + 1) this.rehash();
  }

  get bytesUsed(): number {
    return this.table.byteLength + this.ids.bytesUsed;
  }

  private bucketOf(id: string): number {
    const hash = hashText(id);
    const table = this.table;
    for (let bucket = hash & this.mask; ; bucket = (bucket + 1) & this.mask) {
      const slot = table[bucket * 2 + 1];
      if (slot === -1) return -1;
      if (table[bucket * 2] === hash && this.ids.equals(slot, id)) return bucket;
    }
  }

  /**
   * Empties `bucket` by backward-shift deletion: later entries of the same probe run move up, so lookups never
   * meet a hole inside a run and no tombstones are needed.
   */
  private unlink(bucket: number): void {
    const table = this.table;
    const mask = this.mask;
    let hole = bucket;
    for (let next = (hole + 1) & mask; table[next * 2 + 1] !== -1; next = (next + 1) & mask) {
      const home = table[next * 2] & mask;
      // The entry at `next` may fill the hole only if its home bucket is not between the hole and itself.
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      table[hole * 2] = table[next * 2];
      table[hole * 2 + 1] = table[next * 2 + 1];
      hole = next;
    }
    table[hole * 2] = 0;
    table[hole * 2 + 1] = -1;
  }

  private insert(hash: number, slot: number): void {
    let bucket = hash & this.mask;
    while (this.table[bucket * 2 + 1] !== -1) bucket = (bucket + 1) & this.mask;
    this.table[bucket * 2] = hash;
    this.table[bucket * 2 + 1] = slot;
  }

  private rehash(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.table.length / 2 - 1;
    for (let bucket = 0; bucket < old.length / 2; bucket++) {
      if (old[bucket * 2 + 1] !== -1) this.insert(old[bucket * 2], old[bucket * 2 + 1]);
    }
  }
}
