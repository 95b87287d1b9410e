import { CONSENT_PURPOSES, CustomerEvent } from '@kairos/contracts';
import { CONSENT_SCOPES, CONSENT_STATUSES, ConsentState, OBJECTION_SCOPES, PurposeConsent } from '@kairos/consent';
import type { PartitionProfileStore } from '../store/partition-profile-store';
import { F_CONSENT_OFFSET, F_OBJECTIONS, I_CONSENT } from '../store/profile-rows';
import type { ProfileState } from './profile-state';

/** Bits per consent scope in a purpose's cell: enough for the four statuses. */
const STATUS_BITS = 2;
const STATUS_MASK = 0b11;

/**
 * Folds a governance event of the consent kind. Consent changes and objections apply in log order, not by
 * occurredAt: the log is where the governance API put the customer's wish, after everything before it, so the
 * newest recorded wish wins even if captured earlier elsewhere. An objection stays in force (no event lifts
 * it); its first offset is kept. Mutates the store.
 */
export function foldConsent(store: PartitionProfileStore, slot: number, event: CustomerEvent<'consent_changed'> | CustomerEvent<'processing_objected'>, offset: number): void {
  const { f64, i32, f64Width, i32Width } = store.rows;
  const f = slot * f64Width;
  if (event.type === 'processing_objected') {
    const cell = f + F_OBJECTIONS + OBJECTION_SCOPES.indexOf(event.data.scope);
    if (f64[cell] !== f64[cell]) f64[cell] = offset >= 0 ? offset : -1;
  } else {
    const { purpose, channel, status } = event.data;
    const cell = slot * i32Width + I_CONSENT + CONSENT_PURPOSES.indexOf(purpose);
    const shift = CONSENT_SCOPES.indexOf(channel ?? 'any') * STATUS_BITS;
    i32[cell] = (i32[cell] & ~(STATUS_MASK << shift)) | (CONSENT_STATUSES.indexOf(status) << shift);
  }
  if (offset >= 0) f64[f + F_CONSENT_OFFSET] = offset;
}

/** Read once: the catalog lists are module re-exports, and the hot path reads them per customer. */
const PURPOSES = CONSENT_PURPOSES;
const DIRECT_MARKETING = OBJECTION_SCOPES.indexOf('direct_marketing');
const PROFILING = OBJECTION_SCOPES.indexOf('profiling');

/**
 * Decoded purpose cells, shared (frozen) per bit pattern: the rescoring on every applied batch reads consent once
 * per customer, and decoding the same few patterns again each time was a tenth of the ingestion thread.
 */
const decodedCells = new Map<number, PurposeConsent>();

function purposeConsentOf(bits: number): PurposeConsent {
  let decoded = decodedCells.get(bits);
  if (decoded === undefined) {
    decoded = Object.freeze(Object.fromEntries(CONSENT_SCOPES.map((scope, s) => [scope, CONSENT_STATUSES[(bits >>> (s * STATUS_BITS)) & STATUS_MASK]])) as PurposeConsent);
    decodedCells.set(bits, decoded);
  }
  return decoded;
}

/** The consent state of a profile, as `may` reads it. */
export function consentState(state: ProfileState): ConsentState {
  const { rows } = state.store;
  const purposes = {} as Record<(typeof CONSENT_PURPOSES)[number], PurposeConsent>;
  for (let index = 0; index < PURPOSES.length; index++) purposes[PURPOSES[index]] = purposeConsentOf(rows.i32At(state.slot, I_CONSENT + index));
  return {
    erased: false,
    asOfOffset: rows.f64At(state.slot, F_CONSENT_OFFSET),
    purposes,
    objections: { direct_marketing: objectionAt(state, DIRECT_MARKETING), profiling: objectionAt(state, PROFILING) },
  };
}

function objectionAt(state: ProfileState, index: number): number | null {
  const offset = state.store.rows.f64At(state.slot, F_OBJECTIONS + index);
  return offset === offset ? offset : null;
}

/** Whether a snapshot's consent cell holds only valid status codes in its scope bits. */
export function isValidConsentCell(bits: number): boolean {
  return bits >= 0 && bits < 1 << (CONSENT_SCOPES.length * STATUS_BITS);
}
