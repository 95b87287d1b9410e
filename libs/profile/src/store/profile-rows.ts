import { CONSENT_PURPOSES } from '@kairos/contracts';
import { OBJECTION_SCOPES } from '@kairos/consent';
import { NO_BLOCK } from './block-arena';
import { grownColumn, nextCapacity } from './typed-columns';

/** Unknown interned attribute (country, language, time zone). */
export const NO_STRING = -1;

/** Event ids remembered per customer to drop a redelivered event (same id, new offset), as 52-bit hashes. */
export const RECENT_EVENT_IDS = 4;

// Fields of the Float64 row.
/** The newest occurredAt folded: the reference point for lateness and window retention. NaN before any event. */
export const F_LAST_EVENT_AT = 0;
/** occurredAt of the registration the attributes come from; a late, older registration does not overwrite them. */
export const F_REGISTERED_AT = 1;
/** Log offset of the last event applied to this customer (-1: none, or folded without an offset). */
export const F_LAST_OFFSET = 2;
/** Log offset of the newest consent change or objection (-1: none, or folded without an offset). */
export const F_CONSENT_OFFSET = 3;
/** Per objection scope (OBJECTION_SCOPES order), the offset it was recorded at; NaN = no objection. */
export const F_OBJECTIONS = 4;
/** Ring of the last event-id hashes (NaN = empty); the next goes to `eventCount % RECENT_EVENT_IDS`. */
export const F_RECENT_IDS = F_OBJECTIONS + OBJECTION_SCOPES.length;
/** The registry's scalar cells follow. */
export const F_SCALARS = F_RECENT_IDS + RECENT_EVENT_IDS;

// Fields of the Int32 row.
export const I_EVENT_COUNT = 0;
export const I_LATE_BEYOND_TOLERANCE = 1;
/** yyyymmdd as an integer (0 = unknown): age needs only the calendar date. */
export const I_BIRTH_DATE = 2;
export const I_COUNTRY = 3;
export const I_LANGUAGE = 4;
export const I_TIME_ZONE = 5;
export const I_PRODUCT_HEAD = 6;
export const I_CARD_HEAD = 7;
/**
 * One cell per consent purpose (CONSENT_PURPOSES order): 2 bits per consent scope (CONSENT_SCOPES order, `any`
 * first) holding the index of the status in CONSENT_STATUSES; 0 = unknown everywhere.
 */
export const I_CONSENT = 8;
/** One bucket-series ref per series group, then one value-set ref per set. */
export const I_REFS = I_CONSENT + CONSENT_PURPOSES.length;

/**
 * The fixed-size state of every customer of a partition, row-major in two typed arrays (one of doubles, one of
 * 32-bit integers) indexed by slot. An event touches one row of each, i.e. a few adjacent cache lines, instead of
 * a line per field; and a customer costs no object of its own. Names and contact data are never stored.
 */
export class ProfileRows {
  capacity = 0;
  f64 = new Float64Array(0);
  i32 = new Int32Array(0);
  readonly f64Width: number;
  readonly i32Width: number;
  /** Index within the Int32 row of the first value-set ref. */
  readonly setRefs: number;
  private readonly f64Template: Float64Array;
  private readonly i32Template: Int32Array;

  constructor(scalarIdentities: readonly number[], groupCount: number, setCount: number) {
    this.f64Width = F_SCALARS + scalarIdentities.length;
    this.i32Width = I_REFS + groupCount + setCount;
    this.setRefs = I_REFS + groupCount;
    this.f64Template = new Float64Array(this.f64Width).fill(NaN);
    this.f64Template[F_LAST_OFFSET] = -1;
    this.f64Template[F_CONSENT_OFFSET] = -1;
    this.f64Template.set(scalarIdentities, F_SCALARS);
    this.i32Template = new Int32Array(this.i32Width).fill(NO_BLOCK);
    this.i32Template.fill(0, 0, I_COUNTRY);
    this.i32Template[I_COUNTRY] = NO_STRING;
    this.i32Template[I_LANGUAGE] = NO_STRING;
    this.i32Template[I_TIME_ZONE] = NO_STRING;
    this.i32Template.fill(0, I_CONSENT, I_REFS);
  }

  /** Makes room for `slots` customers, with room to grow; new rows hold the empty profile. */
  ensure(slots: number): void {
    if (slots > this.capacity) this.reserve(nextCapacity(this.capacity, slots));
  }

  /** Makes room for exactly `capacity` customers (when the count is known, e.g. on restore). */
  reserve(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.f64 = grownColumn(this.f64, capacity * this.f64Width, 0);
    this.i32 = grownColumn(this.i32, capacity * this.i32Width, 0);
    for (let slot = this.capacity; slot < capacity; slot++) {
      this.f64.set(this.f64Template, slot * this.f64Width);
      this.i32.set(this.i32Template, slot * this.i32Width);
    }
    this.capacity = capacity;
  }

  /** Puts the empty profile back into `slot` (a forgotten customer leaves nothing in the row). */
  clear(slot: number): void {
    this.f64.set(this.f64Template, slot * this.f64Width);
    this.i32.set(this.i32Template, slot * this.i32Width);
  }

  /** Copies the row of slot `from` over slot `to` (refs move with it: they name arena blocks, not slots). */
  move(from: number, to: number): void {
    this.f64.copyWithin(to * this.f64Width, from * this.f64Width, (from + 1) * this.f64Width);
    this.i32.copyWithin(to * this.i32Width, from * this.i32Width, (from + 1) * this.i32Width);
  }

  f64At(slot: number, field: number): number {
    return this.f64[slot * this.f64Width + field];
  }

  i32At(slot: number, field: number): number {
    return this.i32[slot * this.i32Width + field];
  }

  get bytes(): number {
    return this.f64.byteLength + this.i32.byteLength;
  }
}
