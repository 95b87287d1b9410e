import { PRODUCT_KINDS, ProductKind, eventDataSchemas } from '@kairos/contracts';
import { ByteStrings } from './byte-strings';
import { grownColumn, nextCapacity } from './typed-columns';

export const NO_ROW = -1;

/** Why a card was locked, in the catalog's order; stored as index + 1 (0 = not locked). */
export const CARD_LOCK_REASONS = eventDataSchemas.card_locked.shape.reason.options;
export type CardLockReason = (typeof CARD_LOCK_REASONS)[number];

export const CARD_PRODUCTS = ['credit_card', 'debit_card'] as const;
export type CardProduct = (typeof CARD_PRODUCTS)[number];

export function productKindIndex(kind: ProductKind): number {
  return PRODUCT_KINDS.indexOf(kind);
}

/** Rows of a table freed by an erasure, reused before the table grows. */
class FreeRows {
  private rows = new Int32Array(8);
  count = 0;

  put(row: number): void {
    if (this.count === this.rows.length) this.rows = grownColumn(this.rows, this.rows.length * 2, 0);
    this.rows[this.count++] = row;
  }

  take(): number {
    return this.count === 0 ? NO_ROW : this.rows[--this.count];
  }
}

/**
 * A customer's products as rows of one partition-wide table, linked per customer (customers hold a handful, so a
 * linear walk beats any index). Every time-stamped field keeps the occurredAt it came from, so a late event never
 * overwrites newer information.
 */
export class ProductTable {
  size = 0;
  private capacity = 0;
  readonly productIds = new ByteStrings();
  kind = new Uint8Array(0);
  /** Newest open / close; the product is held while `openedAtMs > closedAtMs` (or never closed). */
  openedAtMs = new Float64Array(0);
  closedAtMs = new Float64Array(0);
  limit = new Float64Array(0);
  limitAtMs = new Float64Array(0);
  balance = new Float64Array(0);
  balanceAtMs = new Float64Array(0);
  next = new Int32Array(0);
  private readonly free = new FreeRows();

  find(head: number, productId: string): number {
    for (let row = head; row !== NO_ROW; row = this.next[row]) if (this.productIds.equals(row, productId)) return row;
    return NO_ROW;
  }

  /** Adds a row in front of `head`; the caller stores the returned row as the new head. */
  add(head: number, productId: string, kind: number): number {
    let row = this.free.take();
    if (row === NO_ROW) {
      if (this.size === this.capacity) this.reserve(nextCapacity(this.capacity, this.size + 1));
      row = this.size++;
    }
    this.productIds.set(row, productId);
    this.kind[row] = kind;
    this.next[row] = head;
    return row;
  }

  /** Frees every row of the list at `head`, ids zeroed and fields emptied (an erased customer's products). */
  releaseList(head: number): void {
    for (let row = head; row !== NO_ROW; ) {
      const next = this.next[row];
      this.productIds.clear(row);
      this.kind[row] = 0;
      for (const column of [this.openedAtMs, this.closedAtMs, this.limit, this.limitAtMs, this.balance, this.balanceAtMs]) column[row] = NaN;
      this.next[row] = NO_ROW;
      this.free.put(row);
      row = next;
    }
  }

  /** Rows in use (allocated minus freed). */
  get liveRows(): number {
    return this.size - this.free.count;
  }

  isHeld(row: number): boolean {
    const opened = this.openedAtMs[row];
    const closed = this.closedAtMs[row];
    return closed !== closed || opened > closed;
  }

  /** Makes room for `capacity` rows (a restore knows how many it needs). */
  reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.kind = grownColumn(this.kind, capacity, 0);
    this.openedAtMs = grownColumn(this.openedAtMs, capacity, NaN);
    this.closedAtMs = grownColumn(this.closedAtMs, capacity, NaN);
    this.limit = grownColumn(this.limit, capacity, NaN);
    this.limitAtMs = grownColumn(this.limitAtMs, capacity, NaN);
    this.balance = grownColumn(this.balance, capacity, NaN);
    this.balanceAtMs = grownColumn(this.balanceAtMs, capacity, NaN);
    this.next = grownColumn(this.next, capacity, NO_ROW);
    this.capacity = capacity;
  }

  get bytes(): number {
    return this.capacity * (1 + 6 * 8 + 4) + this.productIds.bytesUsed;
  }
}

/** A customer's cards, like `ProductTable`. */
export class CardTable {
  size = 0;
  private capacity = 0;
  readonly cardIds = new ByteStrings();
  /** Index into CARD_PRODUCTS + 1; 0 until an event names the product. */
  product = new Uint8Array(0);
  locked = new Uint8Array(0);
  /** Index into CARD_LOCK_REASONS + 1; 0 when unlocked. */
  lockReason = new Uint8Array(0);
  /** occurredAt of the newest lock or unlock. */
  lockChangedAtMs = new Float64Array(0);
  next = new Int32Array(0);
  private readonly free = new FreeRows();

  find(head: number, cardId: string): number {
    for (let row = head; row !== NO_ROW; row = this.next[row]) if (this.cardIds.equals(row, cardId)) return row;
    return NO_ROW;
  }

  add(head: number, cardId: string): number {
    let row = this.free.take();
    if (row === NO_ROW) {
      if (this.size === this.capacity) this.reserve(nextCapacity(this.capacity, this.size + 1));
      row = this.size++;
    }
    this.cardIds.set(row, cardId);
    this.next[row] = head;
    return row;
  }

  /** Frees every row of the list at `head` (an erased customer's cards). */
  releaseList(head: number): void {
    for (let row = head; row !== NO_ROW; ) {
      const next = this.next[row];
      this.cardIds.clear(row);
      this.product[row] = 0;
      this.locked[row] = 0;
      this.lockReason[row] = 0;
      this.lockChangedAtMs[row] = NaN;
      this.next[row] = NO_ROW;
      this.free.put(row);
      row = next;
    }
  }

  get liveRows(): number {
    return this.size - this.free.count;
  }

  reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.product = grownColumn(this.product, capacity, 0);
    this.locked = grownColumn(this.locked, capacity, 0);
    this.lockReason = grownColumn(this.lockReason, capacity, 0);
    this.lockChangedAtMs = grownColumn(this.lockChangedAtMs, capacity, NaN);
    this.next = grownColumn(this.next, capacity, NO_ROW);
    this.capacity = capacity;
  }

  get bytes(): number {
    return this.capacity * (3 + 8 + 4) + this.cardIds.bytesUsed;
  }
}
