/**
 * Row numbers for customers, so per-customer trigger state lives in typed arrays (no object per customer on the
 * heap, nothing for GC to trace). Rows are handed out on first need and never reused.
 *
 * On the event path rows are found by the key's number in the engine's `StateKeys` (`ensureAt`/`findAt`): an array
 * index, not a map lookup per trigger. The map stays the source of truth (snapshots, erasure, `ensure` by key).
 */
export class CustomerRows {
  private readonly rows = new Map<string, number>();
  private readonly ids: string[] = [];
  private capacity: number;
  /** State key number → row + 1 (0: not linked). */
  private links = new Int32Array(0);
  /** Row → its state key number; -1 while known by key only (made by `ensure`, e.g. on restore); -2 once forgotten. */
  private readonly numbers: number[] = [];
  private unlinked = 0;

  constructor(
    private readonly grow: (capacity: number) => void,
    initialCapacity = 64,
  ) {
    this.capacity = initialCapacity;
    grow(initialCapacity);
  }

  get size(): number {
    return this.ids.length;
  }

  find(customerId: string): number {
    return this.rows.get(customerId) ?? -1;
  }

  ensure(customerId: string): number {
    const existing = this.rows.get(customerId);
    if (existing !== undefined) return existing;
    const row = this.ids.length;
    if (row === this.capacity) {
      this.capacity *= 2;
      this.grow(this.capacity);
    }
    this.rows.set(customerId, row);
    this.ids.push(customerId);
    this.numbers.push(-1);
    this.unlinked++;
    return row;
  }

  /** The row linked to a `StateKeys` number, or -1 (none yet, or not linked yet: then `ensureAt`/`findAt`). */
  linked(number: number): number {
    return number < this.links.length ? this.links[number] - 1 : -1;
  }

  /** `ensure` for a key whose `StateKeys` number is `number`. */
  ensureAt(number: number, key: string): number {
    const linked = this.linked(number);
    if (linked >= 0) return linked;
    const row = this.ensure(key);
    this.link(number, row);
    return row;
  }

  /** `find` for a key whose `StateKeys` number is `number`; no map lookup when every row is linked. */
  findAt(number: number, key: string): number {
    const linked = this.linked(number);
    if (linked >= 0 || this.unlinked === 0) return linked;
    const row = this.find(key);
    if (row >= 0) this.link(number, row);
    return row;
  }

  private link(number: number, row: number): void {
    if (number >= this.links.length) this.links = grownColumn(this.links, Math.max(64, 2 * this.links.length, number + 1));
    if (this.numbers[row] === -1) this.unlinked--;
    else if (this.numbers[row] >= 0) this.links[this.numbers[row]] = 0;
    this.numbers[row] = number;
    this.links[number] = row + 1;
  }

  /** The customer (or key) of a row; '' once forgotten. */
  customerAt(row: number): string {
    return this.ids[row];
  }

  /**
   * Forgets a customer (erasure): the id leaves the index and is never exported again. The row itself is not
   * reused; the caller clears its columns. Returns the row, or -1 if the customer had none.
   */
  forget(customerId: string): number {
    const row = this.rows.get(customerId);
    if (row === undefined) return -1;
    this.rows.delete(customerId);
    this.ids[row] = '';
    if (this.numbers[row] === -1) this.unlinked--;
    else if (this.numbers[row] >= 0) this.links[this.numbers[row]] = 0;
    // Neither linked nor waiting for a link: a forgotten row is never handed out again.
    this.numbers[row] = -2;
    return row;
  }
}

type Column = Float64Array | Int32Array | Uint8Array;

/** A copy of `column` with room for `length` values, the new part filled with `fill`. */
export function grownColumn<T extends Column>(column: T, length: number, fill = 0): T {
  const next = new (column.constructor as new (n: number) => T)(length);
  next.set(column);
  if (fill !== 0) next.fill(fill, column.length);
  return next;
}

/** 32-bit FNV-1a of a string: a compact fingerprint of an event id for redelivery checks. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
