import { PRODUCT_KINDS } from '@kairos/contracts';
import { CARD_LOCK_REASONS, CARD_PRODUCTS, NO_ROW } from '../store/holding-tables';
import { CONSENT_PURPOSES } from '@kairos/contracts';
import { isValidConsentCell } from '../profile/profile-consent';
import { F_SCALARS, I_BIRTH_DATE, I_CARD_HEAD, I_CONSENT, I_COUNTRY, I_EVENT_COUNT, I_LANGUAGE, I_LATE_BEYOND_TOLERANCE, I_PRODUCT_HEAD, I_REFS, I_TIME_ZONE, NO_STRING } from '../store/profile-rows';
import type { PartitionProfileStore } from '../store/partition-profile-store';
import { ByteReader, ByteWriter } from './byte-buffers';

/** A structurally impossible record; the snapshot codec reports it as corruption. */
export class InvalidRecordError extends Error {}

/** Writes the interned strings: ids in the records below refer to positions in this table. */
export function writeStrings(writer: ByteWriter, store: PartitionProfileStore): void {
  const strings = store.strings.all();
  writer.u32(strings.length);
  for (const value of strings) writer.string(value);
}

/** Reads a string table into an empty store, so ids keep their meaning. */
export function readStrings(reader: ByteReader, store: PartitionProfileStore): void {
  const count = reader.u32();
  for (let id = 0; id < count; id++) {
    const value = reader.string();
    if (value === null || store.strings.intern(value) !== id) throw new InvalidRecordError('string table has a gap or a duplicate');
  }
}

/**
 * One customer's complete state, verbatim (bucket lists and sets as stored), in a fixed field order: the Float64
 * row as is, the Int32 row's plain fields, then the lists its refs and heads point to (refs are arena positions,
 * meaningless in another process).
 */
export function writeCustomer(writer: ByteWriter, store: PartitionProfileStore, slot: number): void {
  const rows = store.rows;
  const layout = store.registry.layout;
  writer.string(store.customerIdAt(slot));
  const f = slot * rows.f64Width;
  for (let cell = 0; cell < rows.f64Width; cell++) writer.f64(rows.f64[f + cell]);
  const i = slot * rows.i32Width;
  for (const field of PLAIN_I32_FIELDS) writer.i32(rows.i32[i + field]);

  for (const group of layout.groups) {
    const series = store.series[group.index];
    const count = series.arena.openList(rows.i32[i + I_REFS + group.index]);
    writer.u16(count);
    const { chunk, base } = series.arena;
    for (let cell = 0; cell < count * series.width; cell++) writer.f64(chunk[base + 1 + cell]);
  }

  for (const set of layout.sets) {
    const values = store.sets[set.index];
    const count = values.arena.openList(rows.i32[i + rows.setRefs + set.index]);
    writer.u16(count);
    const { chunk, base } = values.arena;
    for (let entry = 0; entry < count; entry++) {
      writer.u32(chunk[base + 1 + entry * 2]);
      writer.f64(chunk[base + 2 + entry * 2]);
    }
  }

  const products = store.products;
  const productRows = rowsOf(rows.i32[i + I_PRODUCT_HEAD], products.next);
  writer.u16(productRows.length);
  for (const row of productRows) {
    writer.string(products.productIds.get(row));
    writer.u8(products.kind[row]);
    writer.f64(products.openedAtMs[row]);
    writer.f64(products.closedAtMs[row]);
    writer.f64(products.limit[row]);
    writer.f64(products.limitAtMs[row]);
    writer.f64(products.balance[row]);
    writer.f64(products.balanceAtMs[row]);
  }

  const cards = store.cards;
  const cardRows = rowsOf(rows.i32[i + I_CARD_HEAD], cards.next);
  writer.u16(cardRows.length);
  for (const row of cardRows) {
    writer.string(cards.cardIds.get(row));
    writer.u8(cards.product[row]);
    writer.u8(cards.locked[row]);
    writer.u8(cards.lockReason[row]);
    writer.f64(cards.lockChangedAtMs[row]);
  }
}

/** Reads one customer written by `writeCustomer` into a new slot, checking every reference it holds. */
export function readCustomer(reader: ByteReader, store: PartitionProfileStore): void {
  const customerId = reader.string();
  if (customerId === null || store.slotOf(customerId) >= 0) throw new InvalidRecordError('customer id missing or repeated');
  const slot = store.ensureSlot(customerId);
  const rows = store.rows;
  const layout = store.registry.layout;
  const stringCount = store.strings.size;
  const stringId = (id: number, allowNone: boolean) => {
    if ((id === NO_STRING && allowNone) || (Number.isInteger(id) && id >= 0 && id < stringCount)) return id;
    throw new InvalidRecordError('string reference out of range');
  };

  const f = slot * rows.f64Width;
  for (let cell = 0; cell < rows.f64Width; cell++) rows.f64[f + cell] = reader.f64();
  for (const feature of store.registry.compiled) {
    if (feature.kind === 'event' && feature.storage.kind === 'scalar' && feature.valueKind === 'string') {
      const value = rows.f64[f + F_SCALARS + feature.storage.cell];
      if (value === value) stringId(value, false);
    }
  }
  const i = slot * rows.i32Width;
  for (const field of PLAIN_I32_FIELDS) rows.i32[i + field] = reader.i32();
  for (const field of [I_COUNTRY, I_LANGUAGE, I_TIME_ZONE]) stringId(rows.i32[i + field], true);
  for (const field of CONSENT_FIELDS) if (!isValidConsentCell(rows.i32[i + field])) throw new InvalidRecordError('consent cell out of range');

  for (const group of layout.groups) {
    const count = reader.u16();
    if (count > group.retainBuckets) throw new InvalidRecordError('bucket list longer than its window');
    const series = store.series[group.index];
    rows.i32[i + I_REFS + group.index] = series.arena.newList(count);
    const { chunk, base } = series.arena;
    for (let cell = 0; cell < count * series.width; cell++) chunk[base + 1 + cell] = reader.f64();
  }

  for (const set of layout.sets) {
    const count = reader.u16();
    if (count > set.maxEntries) throw new InvalidRecordError('value set larger than its bound');
    const values = store.sets[set.index];
    rows.i32[i + rows.setRefs + set.index] = values.arena.newList(count);
    const { chunk, base } = values.arena;
    for (let entry = 0; entry < count; entry++) {
      chunk[base + 1 + entry * 2] = stringId(reader.u32(), false);
      chunk[base + 2 + entry * 2] = reader.f64();
    }
  }

  const products = store.products;
  let previous = NO_ROW;
  for (let remaining = reader.u16(); remaining > 0; remaining--) {
    const productId = reader.string();
    const kind = reader.u8();
    if (productId === null || kind >= PRODUCT_KINDS.length) throw new InvalidRecordError('product row invalid');
    const row = products.add(NO_ROW, productId, kind);
    products.openedAtMs[row] = reader.f64();
    products.closedAtMs[row] = reader.f64();
    products.limit[row] = reader.f64();
    products.limitAtMs[row] = reader.f64();
    products.balance[row] = reader.f64();
    products.balanceAtMs[row] = reader.f64();
    if (previous === NO_ROW) rows.i32[i + I_PRODUCT_HEAD] = row;
    else products.next[previous] = row;
    previous = row;
  }

  const cards = store.cards;
  previous = NO_ROW;
  for (let remaining = reader.u16(); remaining > 0; remaining--) {
    const cardId = reader.string();
    const product = reader.u8();
    const locked = reader.u8();
    const reason = reader.u8();
    if (cardId === null || product > CARD_PRODUCTS.length || locked > 1 || reason > CARD_LOCK_REASONS.length || (locked === 1) !== reason > 0) {
      throw new InvalidRecordError('card row invalid');
    }
    const row = cards.add(NO_ROW, cardId);
    cards.product[row] = product;
    cards.locked[row] = locked;
    cards.lockReason[row] = reason;
    cards.lockChangedAtMs[row] = reader.f64();
    if (previous === NO_ROW) rows.i32[i + I_CARD_HEAD] = row;
    else cards.next[previous] = row;
    previous = row;
  }
}

/** Int32 row fields that are values; the others are refs and heads, written as the lists they point to. */
const CONSENT_FIELDS = CONSENT_PURPOSES.map((_, index) => I_CONSENT + index);
const PLAIN_I32_FIELDS = [I_EVENT_COUNT, I_LATE_BEYOND_TOLERANCE, I_BIRTH_DATE, I_COUNTRY, I_LANGUAGE, I_TIME_ZONE, ...CONSENT_FIELDS];

function rowsOf(head: number, next: Int32Array): number[] {
  const rows: number[] = [];
  for (let row = head; row !== NO_ROW; row = next[row]) rows.push(row);
  return rows;
}
