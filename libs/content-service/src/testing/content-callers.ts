import { AbilityFactory, loadPolicyFile, type Principal, type Role } from '@kairos/access';
import type { ContentCaller } from '../content-caller';

const abilities = new AbilityFactory(loadPolicyFile());

/** A caller with the shipped policy's ability for `role`; the id is the principal id four-eyes checks compare. */
export function callerOf(role: Role, id = `p-${role}`): ContentCaller {
  const principal: Principal = role === 'channel' ? { id, role, channel: 'web', kind: 'api-key' } : { id, role, kind: 'api-key' };
  return { principal, ability: abilities.abilityFor(principal) };
}
