import { CONSENT_CHANNELS, CONSENT_PURPOSES, ConsentChannel, ConsentPurpose } from '@kairos/contracts';

/** `unknown`: nothing recorded. The other three are the statuses a `consent_changed` event carries. */
export const CONSENT_STATUSES = ['unknown', 'given', 'withdrawn', 'refused'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
export type RecordedConsentStatus = Exclude<ConsentStatus, 'unknown'>;

/** Where a status applies: every channel (`any`, a consent recorded without a channel) or one channel. */
export const CONSENT_SCOPES = ['any', ...CONSENT_CHANNELS] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** What a data subject can object to under Art. 21 GDPR (the scopes of `processing_objected`). */
export const OBJECTION_SCOPES = ['direct_marketing', 'profiling'] as const;
export type ObjectionScope = (typeof OBJECTION_SCOPES)[number];

export type PurposeConsent = { readonly [S in ConsentScope]: ConsentStatus };

/**
 * A customer's consent state as the decision path sees it: one status per consent purpose and scope, the
 * objections in force, and the partition offset of the newest change folded (the `asOfOffset` an audit record
 * names). Plain data: it is built by the profile fold on the owning worker, by the ledger for the API, and by
 * tests as a reference.
 */
export interface ConsentState {
  /** The customer was erased (Art. 17): nothing may be processed for any purpose. */
  readonly erased: boolean;
  /** Offset of the newest consent change or objection folded; -1 when none (or folded without an offset). */
  readonly asOfOffset: number;
  readonly purposes: { readonly [P in ConsentPurpose]: PurposeConsent };
  /** Per scope, the offset the objection was recorded at (-1: folded without one), or null when none. */
  readonly objections: { readonly [O in ObjectionScope]: number | null };
}

/** One consent change in log order, as `evolveConsentState` folds it. */
export interface ConsentChange {
  readonly purpose: ConsentPurpose;
  /** Absent or null: the change covers every channel. */
  readonly channel?: ConsentChannel | null;
  readonly status: RecordedConsentStatus;
  readonly offset: number;
}

export interface ObjectionChange {
  readonly scope: ObjectionScope;
  readonly offset: number;
}

const UNKNOWN_EVERYWHERE: PurposeConsent = Object.freeze(Object.fromEntries(CONSENT_SCOPES.map((scope) => [scope, 'unknown'])) as PurposeConsent);

/** A customer with nothing recorded: every status unknown, no objection. */
export function emptyConsentState(): ConsentState {
  return {
    erased: false,
    asOfOffset: -1,
    purposes: Object.fromEntries(CONSENT_PURPOSES.map((purpose) => [purpose, UNKNOWN_EVERYWHERE])) as ConsentState['purposes'],
    objections: { direct_marketing: null, profiling: null },
  };
}

/** The state of an erased customer: nothing is known any more and nothing is allowed. */
export function erasedConsentState(): ConsentState {
  return { ...emptyConsentState(), erased: true };
}

/**
 * The decider's evolve for consent: changes apply in log order (the newest recorded wish wins, whatever its
 * capture time), a change without a channel sets the any-channel status and leaves channel-specific ones alone.
 * Returns a new state; the input is not changed.
 */
export function evolveConsentState(state: ConsentState, change: ConsentChange | ObjectionChange): ConsentState {
  const asOfOffset = change.offset >= 0 ? change.offset : state.asOfOffset;
  if ('scope' in change) {
    if (state.objections[change.scope] !== null) return { ...state, asOfOffset };
    return { ...state, asOfOffset, objections: { ...state.objections, [change.scope]: change.offset } };
  }
  const scope: ConsentScope = change.channel ?? 'any';
  const purpose = { ...state.purposes[change.purpose], [scope]: change.status };
  return { ...state, asOfOffset, purposes: { ...state.purposes, [change.purpose]: purpose } };
}

/** The status that decides for `channel`: a channel-specific status overrides the any-channel one. */
export function effectiveStatus(state: ConsentState, purpose: ConsentPurpose, channel: ConsentChannel | null): { readonly status: ConsentStatus; readonly scope: ConsentScope } {
  const statuses = state.purposes[purpose];
  if (channel !== null && statuses[channel] !== 'unknown') return { status: statuses[channel], scope: channel };
  return { status: statuses.any, scope: 'any' };
}

export function isConsentPurpose(value: string): value is ConsentPurpose {
  return (CONSENT_PURPOSES as readonly string[]).includes(value);
}
