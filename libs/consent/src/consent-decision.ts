import { ConsentChannel } from '@kairos/contracts';
import { ConsentPolicy, DEFAULT_CONSENT_POLICY } from './consent-policy';
import { ConsentState, effectiveStatus, isConsentPurpose } from './consent-state';

/**
 * Whether a purpose may be pursued for a customer on a channel, and the machine-readable reason:
 * `erased`, `purpose_unknown:<purpose>`, `objected:<scope>`, `consent_missing|consent_withdrawn|consent_refused:
 * <purpose>:<channel|any>` when denied; `consent_given:<purpose>:<channel|any>` or `legal_basis:<basis>:<purpose>`
 * when allowed. The audit explainer renders the codes into words.
 */
export interface ConsentDecision {
  readonly allowed: boolean;
  readonly reason: string;
  readonly purpose: string;
  readonly channel: ConsentChannel | null;
  /** The consent state's offset the decision rests on. */
  readonly asOfOffset: number;
  /** The decision time the caller asked about (recorded with the decision). */
  readonly atMs: number;
}

/**
 * The one consent check of the decision path. Order: erasure, then objections (they stop a purpose whatever was
 * consented), then the legal basis: a consent-based purpose needs `given` for the channel (a channel-specific
 * status overrides the any-channel one; `channel` null reads the any-channel status only, for processing that
 * contacts nobody such as scoring); a purpose on legitimate interests is allowed unless the customer withdrew or
 * refused (treated as an objection); contract, legal obligation and the other bases need no consent.
 */
export function may(state: ConsentState, purpose: string, channel: ConsentChannel | null, atMs: number, policy: ConsentPolicy = DEFAULT_CONSENT_POLICY): ConsentDecision {
  const decide = (allowed: boolean, reason: string): ConsentDecision => ({ allowed, reason, purpose, channel, asOfOffset: state.asOfOffset, atMs });
  if (state.erased) return decide(false, 'erased');
  const rule = policy.get(purpose);
  if (rule === undefined) return decide(false, `purpose_unknown:${purpose}`);
  for (const scope of rule.objectionScopes) {
    if (state.objections[scope] !== null) return decide(false, `objected:${scope}`);
  }
  const recorded = isConsentPurpose(purpose) ? effectiveStatus(state, purpose, channel) : null;
  if (rule.legalBasis === 'consent') {
    if (recorded === null) return decide(false, `consent_missing:${purpose}:${channel ?? 'any'}`);
    if (recorded.status === 'given') return decide(true, `consent_given:${purpose}:${recorded.scope}`);
    if (recorded.status === 'unknown') return decide(false, `consent_missing:${purpose}:${channel ?? 'any'}`);
    return decide(false, `consent_${recorded.status}:${purpose}:${recorded.scope}`);
  }
  if (rule.legalBasis === 'legitimate_interests' && recorded !== null && (recorded.status === 'withdrawn' || recorded.status === 'refused')) {
    return decide(false, `consent_${recorded.status}:${purpose}:${recorded.scope}`);
  }
  return decide(true, `legal_basis:${rule.legalBasis}:${purpose}`);
}
