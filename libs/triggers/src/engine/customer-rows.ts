/**
 * Row numbers for customers, so per-customer trigger state lives in typed arrays (no object per customer on the
 * heap, nothing for GC to trace). Rows are handed out on first need and never reused.
 */
export class CustomerRows {
  private readonly rows = new Map<string, number>();
  private readonly ids: string[] = [];
  private capacity: number;

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
    return row;
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
