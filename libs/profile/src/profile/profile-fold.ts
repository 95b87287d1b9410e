import { CustomerEvent, EventType } from '@kairos/contracts';
import { OP_COUNT, OP_FIRST, OP_LAST, OP_MAX, OP_MIN, OP_SUM, FeatureOp, SUM_SCALE } from '../features/feature-layout';
import { bucketOf } from '../features/feature-window';
import { CARD_LOCK_REASONS, CARD_PRODUCTS, NO_ROW, productKindIndex } from '../store/holding-tables';
import { NO_STRING, RECENT_EVENT_IDS } from '../store/profile-columns';
import type { PartitionProfileStore } from '../store/partition-profile-store';

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
 * false). Mutates the store in place: profiles are owned by their store (see `evolveProfile`).
 */
export function foldEvent(store: PartitionProfileStore, slot: number, event: CustomerEvent, offset: number): boolean {
  const columns = store.columns;
  const idHash = eventIdHash(event.id);
  const ring = slot * RECENT_EVENT_IDS;
  for (let i = 0; i < RECENT_EVENT_IDS; i++) if (columns.recentEventIds[ring + i] === idHash) return false;
  columns.recentEventIds[ring + (columns.eventCount[slot] % RECENT_EVENT_IDS)] = idHash;
  const at = event.occurredAtMs;
  const watermark = columns.lastEventAtMs[slot];
  const beyondTolerance = at < watermark - store.registry.lateToleranceMs;
  if (beyondTolerance) columns.lateBeyondTolerance[slot]++;
  if (!(at <= watermark)) columns.lastEventAtMs[slot] = at;
  columns.eventCount[slot]++;
  if (offset >= 0) columns.lastOffset[slot] = offset;
  foldAttributes(store, slot, event as AnyCustomerEvent);
  foldScalars(store, slot, event, beyondTolerance);
  if (!beyondTolerance) foldSeries(store, slot, event);
  foldSets(store, slot, event, beyondTolerance);
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
      const columns = store.columns;
      if (at < columns.registeredAtMs[slot]) return;
      const { birthDate, country, language, timeZone } = event.data;
      columns.registeredAtMs[slot] = at;
      columns.birthDate[slot] = Number(birthDate.slice(0, 4)) * 10_000 + Number(birthDate.slice(5, 7)) * 100 + Number(birthDate.slice(8, 10));
      columns.country[slot] = store.strings.intern(country);
      columns.language[slot] = store.strings.intern(language);
      columns.timeZone[slot] = timeZone === undefined ? NO_STRING : store.strings.intern(timeZone);
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
      return;
    default:
      assertNever(event);
  }
}

function productRow(store: PartitionProfileStore, slot: number, productId: string, kind: Parameters<typeof productKindIndex>[0]): number {
  const head = store.columns.productHead[slot];
  const row = store.products.find(head, productId);
  if (row !== NO_ROW) return row;
  // A product id names one product: the kind of the first event seen for it stays.
  const added = store.products.add(head, productId, productKindIndex(kind));
  store.columns.productHead[slot] = added;
  return added;
}

function setLimit(store: PartitionProfileStore, row: number, limit: number, at: number): void {
  const products = store.products;
  if (at < products.limitAtMs[row]) return;
  products.limit[row] = limit;
  products.limitAtMs[row] = at;
}

function cardRow(store: PartitionProfileStore, slot: number, cardId: string): number {
  const head = store.columns.cardHead[slot];
  const row = store.cards.find(head, cardId);
  if (row !== NO_ROW) return row;
  const added = store.cards.add(head, cardId);
  store.columns.cardHead[slot] = added;
  return added;
}

function setLock(store: PartitionProfileStore, row: number, reason: number, at: number): void {
  const cards = store.cards;
  if (at < cards.lockChangedAtMs[row]) return;
  cards.locked[row] = reason > 0 ? 1 : 0;
  cards.lockReason[row] = reason;
  cards.lockChangedAtMs[row] = at;
}

function foldScalars(store: PartitionProfileStore, slot: number, event: CustomerEvent, beyondTolerance: boolean): void {
  const ops = store.registry.layout.plans[event.type].scalarOps;
  if (ops.length === 0) return;
  const scalars = store.columns.scalars;
  const base = slot * store.registry.layout.scalarWidth;
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
        const heldAt = scalars[cell + 1];
        if (op.code === OP_LAST ? at < heldAt : at >= heldAt) break;
        const value = encodedValue(store, op, event);
        if (value !== value) break;
        scalars[cell] = value;
        scalars[cell + 1] = at;
        break;
      }
    }
  }
}

function foldSeries(store: PartitionProfileStore, slot: number, event: CustomerEvent): void {
  const layout = store.registry.layout;
  const groups = layout.plans[event.type].groups;
  if (groups.length === 0) return;
  const scratch = store.scratch;
  const refs = store.columns.seriesRefs;
  const watermark = store.columns.lastEventAtMs[slot];
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
    const refIndex = slot * layout.groups.length + group.index;
    const horizon = bucketOf(watermark, group.bucketMs) - group.retainBuckets + 1;
    refs[refIndex] = series.upsert(refs[refIndex], bucketOf(at, group.bucketMs), horizon);
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

function foldSets(store: PartitionProfileStore, slot: number, event: CustomerEvent, beyondTolerance: boolean): void {
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
      horizonMs = (bucketOf(store.columns.lastEventAtMs[slot], set.bucketMs) - set.buckets + 1) * set.bucketMs;
      if (at < horizonMs) continue;
    }
    const refIndex = slot * layout.sets.length + op.target;
    store.columns.setRefs[refIndex] = store.sets[op.target].add(store.columns.setRefs[refIndex], store.strings.intern(raw), at, horizonMs);
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
