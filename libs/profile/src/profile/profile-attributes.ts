import { PRODUCT_KINDS, ProductKind } from '@kairos/contracts';
import { CARD_LOCK_REASONS, CARD_PRODUCTS, CardLockReason, CardProduct, NO_ROW, productKindIndex } from '../store/holding-tables';
import {
  F_LAST_EVENT_AT,
  F_LAST_OFFSET,
  F_REGISTERED_AT,
  I_BIRTH_DATE,
  I_CARD_HEAD,
  I_COUNTRY,
  I_EVENT_COUNT,
  I_LANGUAGE,
  I_LATE_BEYOND_TOLERANCE,
  I_PRODUCT_HEAD,
  I_TIME_ZONE,
  NO_STRING,
} from '../store/profile-rows';
import type { ProfileState } from './profile-state';

export interface HeldProduct {
  readonly productId: string;
  readonly product: ProductKind;
  /** False once closed (a close newer than the newest open). */
  readonly held: boolean;
  readonly openedAtMs: number | null;
  readonly closedAtMs: number | null;
  readonly limit: number | null;
  readonly limitAtMs: number | null;
  readonly balance: number | null;
  readonly balanceAtMs: number | null;
}

export interface CardState {
  readonly cardId: string;
  readonly product: CardProduct | null;
  readonly locked: boolean;
  readonly lockReason: CardLockReason | null;
  readonly lockChangedAtMs: number | null;
}

/** What a profile keeps besides features; timestamps are epoch ms. No names or contact data: they are never kept. */
export interface ProfileAttributes {
  readonly birthDate: string | null;
  readonly country: string | null;
  readonly language: string | null;
  readonly timeZone: string | null;
  readonly registeredAtMs: number | null;
  readonly products: readonly HeldProduct[];
  readonly cards: readonly CardState[];
  /** Any card currently locked. */
  readonly cardLocked: boolean;
  /** Newest occurredAt folded. */
  readonly lastEventAtMs: number | null;
  readonly eventCount: number;
  readonly lateBeyondTolerance: number;
  /** Log offset of the last event applied to this customer, -1 if none: the `stateOffset` a decision records. */
  readonly lastOffset: number;
}

export function isCardLocked(state: ProfileState): boolean {
  const cards = state.store.cards;
  for (let row = state.store.rows.i32At(state.slot, I_CARD_HEAD); row !== NO_ROW; row = cards.next[row]) if (cards.locked[row] === 1) return true;
  return false;
}

/** Whether a product of `kind` is held: seen (opened, or known from its balance) and not closed since. */
export function holdsProduct(state: ProfileState, kind: ProductKind): boolean {
  const products = state.store.products;
  const kindIndex = productKindIndex(kind);
  for (let row = state.store.rows.i32At(state.slot, I_PRODUCT_HEAD); row !== NO_ROW; row = products.next[row]) {
    if (products.kind[row] === kindIndex && products.isHeld(row)) return true;
  }
  return false;
}

/** When the newest held product of `kind` was opened; null if none is held (or its opening was never seen). */
export function productOpenedAt(state: ProfileState, kind: ProductKind): number | null {
  const products = state.store.products;
  const kindIndex = productKindIndex(kind);
  let newest: number | null = null;
  for (let row = state.store.rows.i32At(state.slot, I_PRODUCT_HEAD); row !== NO_ROW; row = products.next[row]) {
    if (products.kind[row] !== kindIndex || !products.isHeld(row)) continue;
    const opened = products.openedAtMs[row];
    if (opened === opened && (newest === null || opened > newest)) newest = opened;
  }
  return newest;
}

export function profileAttributes(state: ProfileState): ProfileAttributes {
  const { store, slot } = state;
  const rows = store.rows;
  const birthDate = rows.i32At(slot, I_BIRTH_DATE);
  return {
    birthDate: birthDate === 0 ? null : formatDate(birthDate),
    country: interned(state, rows.i32At(slot, I_COUNTRY)),
    language: interned(state, rows.i32At(slot, I_LANGUAGE)),
    timeZone: interned(state, rows.i32At(slot, I_TIME_ZONE)),
    registeredAtMs: orNull(rows.f64At(slot, F_REGISTERED_AT)),
    products: heldProducts(state),
    cards: cardStates(state),
    cardLocked: isCardLocked(state),
    lastEventAtMs: orNull(rows.f64At(slot, F_LAST_EVENT_AT)),
    eventCount: rows.i32At(slot, I_EVENT_COUNT),
    lateBeyondTolerance: rows.i32At(slot, I_LATE_BEYOND_TOLERANCE),
    lastOffset: rows.f64At(slot, F_LAST_OFFSET),
  };
}

function heldProducts(state: ProfileState): HeldProduct[] {
  const products = state.store.products;
  const out: HeldProduct[] = [];
  for (let row = state.store.rows.i32At(state.slot, I_PRODUCT_HEAD); row !== NO_ROW; row = products.next[row]) {
    out.push({
      productId: products.productIds.get(row),
      product: PRODUCT_KINDS[products.kind[row]],
      held: products.isHeld(row),
      openedAtMs: orNull(products.openedAtMs[row]),
      closedAtMs: orNull(products.closedAtMs[row]),
      limit: orNull(products.limit[row]),
      limitAtMs: orNull(products.limitAtMs[row]),
      balance: orNull(products.balance[row]),
      balanceAtMs: orNull(products.balanceAtMs[row]),
    });
  }
  return out.sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

function cardStates(state: ProfileState): CardState[] {
  const cards = state.store.cards;
  const out: CardState[] = [];
  for (let row = state.store.rows.i32At(state.slot, I_CARD_HEAD); row !== NO_ROW; row = cards.next[row]) {
    out.push({
      cardId: cards.cardIds.get(row),
      product: cards.product[row] === 0 ? null : CARD_PRODUCTS[cards.product[row] - 1],
      locked: cards.locked[row] === 1,
      lockReason: cards.lockReason[row] === 0 ? null : CARD_LOCK_REASONS[cards.lockReason[row] - 1],
      lockChangedAtMs: orNull(cards.lockChangedAtMs[row]),
    });
  }
  return out.sort((a, b) => (a.cardId < b.cardId ? -1 : a.cardId > b.cardId ? 1 : 0));
}

function interned(state: ProfileState, id: number): string | null {
  return id === NO_STRING ? null : state.store.strings.valueOf(id);
}

function orNull(value: number): number | null {
  return value === value ? value : null;
}

function formatDate(yyyymmdd: number): string {
  const year = Math.floor(yyyymmdd / 10_000);
  const month = Math.floor(yyyymmdd / 100) % 100;
  const day = yyyymmdd % 100;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
