import { CONSENT_PURPOSES } from '@kairos/contracts';
import { CONSENT_SCOPES, ConsentStatus, OBJECTION_SCOPES } from '@kairos/consent';
import type { PartitionProfileStore } from '../store/partition-profile-store';
import { F_LAST_EVENT_AT } from '../store/profile-rows';
import { consentState } from './profile-consent';

/** The dormant customers of a partition store (retention category `profiles`). */
export interface DormantProfiles {
  /** Customers whose newest event happened before the cutoff and whose profile may go. */
  readonly customerIds: readonly string[];
  /** Dormant too, but kept: their profile is where a withdrawal, refusal or objection still in force lives. */
  readonly heldForConsent: number;
}

/**
 * Customers whose last event (the newest occurredAt folded) is before `lastEventBeforeMs`. A dormant customer whose
 * profile holds a withdrawn or refused consent or an objection is held back: those statuses forbid processing that
 * `unknown` would allow (legitimate-interest purposes), and once the log has aged out the profile is the only place
 * the decision path reads them from. Losing a `given` is safe (it falls back to `unknown`, which allows less).
 */
export function dormantProfiles(store: PartitionProfileStore, lastEventBeforeMs: number): DormantProfiles {
  const customerIds: string[] = [];
  let heldForConsent = 0;
  for (let slot = 0; slot < store.size; slot++) {
    // NaN (no event folded) is never before the cutoff.
    if (!(store.rows.f64At(slot, F_LAST_EVENT_AT) < lastEventBeforeMs)) continue;
    const customerId = store.customerIdAt(slot);
    if (restrictsProcessing(store, slot, customerId)) heldForConsent++;
    else customerIds.push(customerId);
  }
  return { customerIds, heldForConsent };
}

const RESTRICTING: ReadonlySet<ConsentStatus> = new Set<ConsentStatus>(['withdrawn', 'refused']);

function restrictsProcessing(store: PartitionProfileStore, slot: number, customerId: string): boolean {
  const consent = consentState({ customerId, store, slot });
  if (OBJECTION_SCOPES.some((scope) => consent.objections[scope] !== null)) return true;
  return CONSENT_PURPOSES.some((purpose) => CONSENT_SCOPES.some((scope) => RESTRICTING.has(consent.purposes[purpose][scope])));
}
