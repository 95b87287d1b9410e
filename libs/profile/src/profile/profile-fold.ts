import { CustomerEvent, EventType } from '@kairos/contracts';
import { OP_COUNT, OP_FIRST, OP_LAST, OP_MAX, OP_MIN, OP_SUM, FeatureOp, SUM_SCALE } from '../features/feature-layout';
import { bucketOf } from '../features/feature-window';
import { CARD_LOCK_REASONS, CARD_PRODUCTS, NO_ROW, productKindIndex } from '../store/holding-tables';
import {
  F_LAST_EVENT_AT,
  F_LAST_OFFSET,
  F_RECENT_IDS,
  F_REGISTERED_AT,
  F_SCALARS,
  I_BIRTH_DATE,
  I_CARD_HEAD,
  I_COUNTRY,
  I_EVENT_COUNT,
  I_LANGUAGE,
  I_LATE_BEYOND_TOLERANCE,
  I_PRODUCT_HEAD,
  I_REFS,
  I_TIME_ZONE,
  NO_STRING,
  RECENT_EVENT_IDS,
} from '../store/profile-rows';
import type { PartitionProfileStore } from '../store/partition-profile-store';
import { foldConsent } from './profile-consent';

/** A customer event narrowed by its type, so a `switch` on `type` also narrows `data`. */
export type AnyCustomerEvent = { [T in EventType]: CustomerEvent<T> }[EventType];

/**
 * Folds one event into the customer at `slot`: bookkeeping, attributes, then features. Everything that depends on
 * time compares occurredAt, never arrival order, so a late event lands where it belongs:
 *  - last/first and every attribute keep the occurredAt they came from and yield only to a newer (older) one;
 *    equal times go to the event applied later, which is what a stable sort by occurredAt would give;
 *  - sliding windows add the event to its own bucket, unless it is more than `lateToleranceMs` behind the
 *    newest event folded, in which case it counts in lifetime aggregates only (and in `lateBeyondTolerance`).
 * An event whose id is among the customer's last `RECENT_EVENT_IDS` is a redelivery and changes nothing (returns
 * false). Consent changes and objections are folded in log order (`foldConsent`); `customer_erased` is handled by
 * the store, which forgets the customer. Mutates the store in place: profiles are owned by their store (see `evolveProfile`).
 */
export function foldEvent(store: PartitionProfileStore, slot: number, event: CustomerEvent, offset: number): boolean {
  const rows = store.rows;
  const f64 = rows.f64;
  const i32 = rows.i32;
  const f = slot * rows.f64Width;
  const i = slot * rows.i32Width;
  const idHash = eventIdHash(event.id);
  for (let k = 0; k < RECENT_EVENT_IDS; k++) if (f64[f + F_RECENT_IDS + k] === idHash) return false;
  f64[f + F_RECENT_IDS + (i32[i + I_EVENT_COUNT] % RECENT_EVENT_IDS)] = idHash;

  const at = event.occurredAtMs;
  const watermark = f64[f + F_LAST_EVENT_AT];
  const beyondTolerance = at < watermark - store.registry.lateToleranceMs;
  if (beyondTolerance) i32[i + I_LATE_BEYOND_TOLERANCE]++;
  if (!(at <= watermark)) f64[f + F_LAST_EVENT_AT] = at;
  i32[i + I_EVENT_COUNT]++;
  if (offset >= 0) f64[f + F_LAST_OFFSET] = offset;
  const typed = event as AnyCustomerEvent;
  if (typed.type === 'consent_changed' || typed.type === 'processing_objected') foldConsent(store, slot, typed, offset);
  foldAttributes(store, slot, typed);
  foldScalars(store, f + F_SCALARS, event, beyondTolerance);
  if (!beyondTolerance) foldSeries(store, i + I_REFS, f64[f + F_LAST_EVENT_AT], event);
  foldSets(store, i + rows.setRefs, f64[f + F_LAST_EVENT_AT], event, beyondTolerance);
  return true;
}

/** A 52-bit hash of an event id (two 32-bit FNV-style lanes): exact in a double, collisions negligible among 4 ids. */
export function eventIdHash(id: string): number {
  let low = 0x811c9dc5;
  let high = 0x9747b28c;
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    low = Math.imul(low ^ code, 0x01000193);
    high = Math.imul(high ^ code, 0x5bd1e995);
    high ^= high >>> 15;
  }
  return (low >>> 0) + (high & 0xfffff) * 0x100000000;
}

function foldAttributes(store: PartitionProfileStore, slot: number, event: AnyCustomerEvent): void {
  const at = event.occurredAtMs;
  switch (event.type) {
    case 'customer_registered': {
      const { f64, i32, f64Width, i32Width } = store.rows;
      if (at < f64[slot * f64Width + F_REGISTERED_AT]) return;
      const { birthDate, country, language, timeZone } = event.data;
      const i = slot * i32Width;
      f64[slot * f64Width + F_REGISTERED_AT] = at;
      // Personal fields travel sealed; after an erasure their key is gone and the opener drops them: unknown, not a crash.
      const birth: string | undefined = birthDate;
      i32[i + I_BIRTH_DATE] = birth === undefined ? 0 : Number(birth.slice(0, 4)) * 10_000 + Number(birth.slice(5, 7)) * 100 + Number(birth.slice(8, 10));
      i32[i + I_COUNTRY] = store.strings.intern(country);
      i32[i + I_LANGUAGE] = store.strings.intern(language);
      i32[i + I_TIME_ZONE] = timeZone === undefined ? NO_STRING : store.strings.intern(timeZone);
      return;
    }
    case 'product_opened': {
      const row = productRow(store, slot, event.data.productId, event.data.product);
      const products = store.products;
      if (!(at <= products.openedAtMs[row])) products.openedAtMs[row] = at;
      if (event.data.limit !== undefined) setLimit(store, row, event.data.limit, at);
      return;
    }
    case 'product_closed': {
      const row = productRow(store, slot, event.data.productId, event.data.product);
      if (!(at <= store.products.closedAtMs[row])) store.products.closedAtMs[row] = at;
      return;
    }
    case 'balance_changed': {
      const row = productRow(store, slot, event.data.productId, event.data.product);
      const products = store.products;
      if (!(at < products.balanceAtMs[row])) {
        products.balance[row] = event.data.balance;
        products.balanceAtMs[row] = at;
      }
      if (event.data.limit !== undefined) setLimit(store, row, event.data.limit, at);
      return;
    }
    case 'card_transaction': {
      const row = cardRow(store, slot, event.data.cardId);
      if (store.cards.product[row] === 0) store.cards.product[row] = CARD_PRODUCTS.indexOf(event.data.product) + 1;
      return;
    }
    case 'atm_pin_failed':
      cardRow(store, slot, event.data.cardId);
      return;
    case 'card_locked':
      setLock(store, cardRow(store, slot, event.data.cardId), CARD_LOCK_REASONS.indexOf(event.data.reason) + 1, at);
      return;
    case 'card_unlocked':
      setLock(store, cardRow(store, slot, event.data.cardId), 0, at);
      return;
    case 'login':
    case 'page_view':
    case 'call_started':
    case 'complaint_filed':
    case 'message_delivered':
    case 'message_opened':
    case 'message_clicked':
    // Consent is folded in log order by foldConsent; erasure is the store's (it forgets the customer).
    case 'consent_changed':
    case 'processing_objected':
    case 'customer_erased':
      return;
    default:
      assertNever(event);
  }
}

function productRow(store: PartitionProfileStore, slot: number, productId: string, kind: Parameters<typeof productKindIndex>[0]): number {
  const at = slot * store.rows.i32Width + I_PRODUCT_HEAD;
  const head = store.rows.i32[at];
  const row = store.products.find(head, productId);
  if (row !== NO_ROW) return row;
  // A product id names one product: the kind of the first event seen for it stays.
  const added = store.products.add(head, productId, productKindIndex(kind));
  store.rows.i32[at] = added;
  return added;
}

function setLimit(store: PartitionProfileStore, row: number, limit: number, at: number): void {
  const products = store.products;
  if (at < products.limitAtMs[row]) return;
  products.limit[row] = limit;
  products.limitAtMs[row] = at;
}

function cardRow(store: PartitionProfileStore, slot: number, cardId: string): number {
  const at = slot * store.rows.i32Width + I_CARD_HEAD;
  const head = store.rows.i32[at];
  const row = store.cards.find(head, cardId);
  if (row !== NO_ROW) return row;
  const added = store.cards.add(head, cardId);
  store.rows.i32[at] = added;
  return added;
}

function setLock(store: PartitionProfileStore, row: number, reason: number, at: number): void {
  const cards = store.cards;
  if (at < cards.lockChangedAtMs[row]) return;
  cards.locked[row] = reason > 0 ? 1 : 0;
  cards.lockReason[row] = reason;
  cards.lockChangedAtMs[row] = at;
}

/** `base`: index of the customer's first scalar cell in the Float64 rows. */
function foldScalars(store: PartitionProfileStore, base: number, event: CustomerEvent, beyondTolerance: boolean): void {
  const ops = store.registry.layout.plans[event.type].scalarOps;
  if (ops.length === 0) return;
  const scalars = store.rows.f64;
  const at = event.occurredAtMs;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.windowed && beyondTolerance) continue;
    if (op.filter !== null && !op.filter(event)) continue;
    const cell = base + op.target;
    switch (op.code) {
      case OP_COUNT:
        scalars[cell] += 1;
        break;
      case OP_SUM: {
        const value = numberOf(op, event);
        if (value === value) scalars[cell] += Math.round(value * SUM_SCALE);
        break;
      }
      case OP_MIN: {
        const value = numberOf(op, event);
        if (value === value && !(scalars[cell] <= value)) scalars[cell] = value;
        break;
      }
      case OP_MAX: {
        const value = numberOf(op, event);
        if (value === value && !(scalars[cell] >= value)) scalars[cell] = value;
        break;
      }
      case OP_LAST:
      case OP_FIRST: {
        const heldAt = scalars[cell + op.timeOffset];
        if (op.code === OP_LAST ? at < heldAt : at >= heldAt) break;
        const value = encodedValue(store, op, event);
        if (value !== value) break;
        scalars[cell] = value;
        scalars[cell + op.timeOffset] = at;
        break;
      }
    }
  }
}

/** `refs`: index of the customer's first series ref in the Int32 rows; `watermark`: their newest occurredAt. */
function foldSeries(store: PartitionProfileStore, refs: number, watermark: number, event: CustomerEvent): void {
  const groups = store.registry.layout.plans[event.type].groups;
  if (groups.length === 0) return;
  const scratch = store.scratch;
  const i32 = store.rows.i32;
  const at = event.occurredAtMs;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g];
    const ops = group.ops;
    let any = false;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      let value = NaN;
      if (op.filter === null || op.filter(event)) {
        value = op.code === OP_COUNT ? 1 : numberOf(op, event);
        if (op.code === OP_SUM) value = Math.round(value * SUM_SCALE);
      }
      scratch[i] = value;
      if (value === value) any = true;
    }
    if (!any) continue;
    const series = store.series[group.index];
    const ref = refs + group.index;
    const horizon = bucketOf(watermark, group.bucketMs) - group.retainBuckets + 1;
    i32[ref] = series.upsert(i32[ref], bucketOf(at, group.bucketMs), horizon);
    const entry = series.entry;
    if (entry < 0) continue;
    const chunk = series.arena.chunk;
    for (let i = 0; i < ops.length; i++) {
      const value = scratch[i];
      if (value !== value) continue;
      const cell = entry + ops[i].target;
      switch (ops[i].code) {
        case OP_MIN:
          if (!(chunk[cell] <= value)) chunk[cell] = value;
          break;
        case OP_MAX:
          if (!(chunk[cell] >= value)) chunk[cell] = value;
          break;
        default:
          chunk[cell] += value;
      }
    }
  }
}

/** `refs`: index of the customer's first set ref in the Int32 rows; `watermark`: their newest occurredAt. */
function foldSets(store: PartitionProfileStore, refs: number, watermark: number, event: CustomerEvent, beyondTolerance: boolean): void {
  const layout = store.registry.layout;
  const ops = layout.plans[event.type].setOps;
  const at = event.occurredAtMs;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.windowed && beyondTolerance) continue;
    if (op.filter !== null && !op.filter(event)) continue;
    const raw = (op.read as NonNullable<FeatureOp['read']>)(event);
    if (typeof raw !== 'string') continue;
    const set = layout.sets[op.target];
    let horizonMs = -Infinity;
    if (set.bucketMs > 0) {
      horizonMs = (bucketOf(watermark, set.bucketMs) - set.buckets + 1) * set.bucketMs;
      if (at < horizonMs) continue;
    }
    const ref = refs + op.target;
    store.rows.i32[ref] = store.sets[op.target].add(store.rows.i32[ref], store.strings.intern(raw), at, horizonMs);
  }
}

function numberOf(op: FeatureOp, event: CustomerEvent): number {
  const raw = (op.read as NonNullable<FeatureOp['read']>)(event);
  return typeof raw === 'number' && Number.isFinite(raw) ? raw : NaN;
}

/** The value as a cell holds it (NaN: the event carries none). */
function encodedValue(store: PartitionProfileStore, op: FeatureOp, event: CustomerEvent): number {
  const raw = (op.read as NonNullable<FeatureOp['read']>)(event);
  switch (op.valueKind) {
    case 'string':
      return typeof raw === 'string' ? store.strings.intern(raw) : NaN;
    case 'boolean':
      return typeof raw === 'boolean' ? (raw ? 1 : 0) : NaN;
    default:
      return typeof raw === 'number' && Number.isFinite(raw) ? raw : NaN;
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled event type ${String((value as { type?: unknown }).type)}`);
}
