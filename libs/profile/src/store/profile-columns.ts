import { NO_BLOCK } from './block-arena';
import { grownColumn, nextCapacity } from './typed-columns';

/** Unknown interned attribute (country, language, time zone). */
export const NO_STRING = -1;

/** Event ids remembered per customer to drop a redelivered event (same id, new offset), as 52-bit hashes. */
export const RECENT_EVENT_IDS = 4;

/**
 * The per-customer state of one partition as columns indexed by slot: a customer costs a few bytes per column
 * and no object of its own. Names, e-mail addresses and phone numbers are never stored.
 */
export class ProfileColumns {
  capacity = 0;
  /** yyyymmdd as an integer (0 = unknown): age needs only the calendar date. */
  birthDate = new Int32Array(0);
  country = new Int32Array(0);
  language = new Int32Array(0);
  timeZone = new Int32Array(0);
  /** occurredAt of the registration the attributes come from; a late, older registration does not overwrite them. */
  registeredAtMs = new Float64Array(0);
  /** The newest occurredAt folded: the reference point for lateness and window retention. NaN before any event. */
  lastEventAtMs = new Float64Array(0);
  eventCount = new Uint32Array(0);
  lateBeyondTolerance = new Uint32Array(0);
  /** Log offset of the last event applied to this customer (-1: none, or folded without an offset). */
  lastOffset = new Float64Array(0);
  /** Ring of the last `RECENT_EVENT_IDS` event-id hashes (NaN = empty), slot `eventCount % RECENT_EVENT_IDS` next. */
  recentEventIds = new Float64Array(0);
  productHead = new Int32Array(0);
  cardHead = new Int32Array(0);
  /** `scalarWidth` cells per slot. */
  scalars = new Float64Array(0);
  /** One bucket-series ref per slot and series group. */
  seriesRefs = new Int32Array(0);
  /** One value-set ref per slot and set. */
  setRefs = new Int32Array(0);

  constructor(
    private readonly scalarIdentities: readonly number[],
    private readonly groupCount: number,
    private readonly setCount: number,
  ) {}

  /** Makes room for `slots` customers. */
  ensure(slots: number): void {
    if (slots <= this.capacity) return;
    const capacity = nextCapacity(this.capacity, slots);
    this.birthDate = grownColumn(this.birthDate, capacity, 0);
    this.country = grownColumn(this.country, capacity, NO_STRING);
    this.language = grownColumn(this.language, capacity, NO_STRING);
    this.timeZone = grownColumn(this.timeZone, capacity, NO_STRING);
    this.registeredAtMs = grownColumn(this.registeredAtMs, capacity, NaN);
    this.lastEventAtMs = grownColumn(this.lastEventAtMs, capacity, NaN);
    this.eventCount = grownColumn(this.eventCount, capacity, 0);
    this.lateBeyondTolerance = grownColumn(this.lateBeyondTolerance, capacity, 0);
    this.lastOffset = grownColumn(this.lastOffset, capacity, -1);
    this.recentEventIds = grownColumn(this.recentEventIds, capacity * RECENT_EVENT_IDS, NaN);
    this.productHead = grownColumn(this.productHead, capacity, -1);
    this.cardHead = grownColumn(this.cardHead, capacity, -1);
    const width = this.scalarIdentities.length;
    const scalars = new Float64Array(capacity * width);
    scalars.set(this.scalars);
    for (let slot = this.capacity; slot < capacity; slot++) {
      for (let cell = 0; cell < width; cell++) scalars[slot * width + cell] = this.scalarIdentities[cell];
    }
    this.scalars = scalars;
    this.seriesRefs = grownColumn(this.seriesRefs, capacity * this.groupCount, NO_BLOCK);
    this.setRefs = grownColumn(this.setRefs, capacity * this.setCount, NO_BLOCK);
    this.capacity = capacity;
  }

  get bytes(): number {
    return (
      this.birthDate.byteLength * 4 +
      this.registeredAtMs.byteLength * 3 +
      this.recentEventIds.byteLength +
      this.eventCount.byteLength * 2 +
      this.productHead.byteLength * 2 +
      this.scalars.byteLength +
      this.seriesRefs.byteLength +
      this.setRefs.byteLength
    );
  }
}
