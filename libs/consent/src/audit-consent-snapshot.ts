import type { AuditConsentSnapshot } from '@kairos/audit';
import { CONSENT_PURPOSES } from '@kairos/contracts';
import { CONSENT_SCOPES, ConsentState, OBJECTION_SCOPES } from './consent-state';

/**
 * The consent in force, as an audit record carries it: every recorded status (unknown ones are left out; a null
 * channel means every channel), the objections, and the offset of the state. An erased customer has none.
 */
export function auditConsentSnapshot(state: ConsentState): AuditConsentSnapshot {
  const grants: { purpose: string; channel: string | null; status: string }[] = [];
  for (const purpose of CONSENT_PURPOSES) {
    for (const scope of CONSENT_SCOPES) {
      const status = state.purposes[purpose][scope];
      if (status !== 'unknown') grants.push({ purpose, channel: scope === 'any' ? null : scope, status });
    }
  }
  const objections = OBJECTION_SCOPES.filter((scope) => state.objections[scope] !== null);
  return { asOfOffset: state.asOfOffset, grants, objections };
}
