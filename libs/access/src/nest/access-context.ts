import { KairosError } from '@kairos/contracts';
import type { KairosAbility } from '../ability/kairos-ability';
import type { Principal } from '../principal/access-vocabulary';

export interface AccessContext {
  readonly principal: Principal;
  readonly ability: KairosAbility;
}

const ACCESS_CONTEXT: unique symbol = Symbol('kairos.access');

type CarriesAccess = { [ACCESS_CONTEXT]?: AccessContext };

export function attachAccessContext(request: object, context: AccessContext): void {
  (request as CarriesAccess)[ACCESS_CONTEXT] = context;
}

/** The authenticated caller of a request that passed the guard. Throws if the guard did not run (a wiring bug). */
export function accessContextOf(request: object): AccessContext {
  const context = (request as CarriesAccess)[ACCESS_CONTEXT];
  if (context === undefined) throw new KairosError('INTERNAL', 'no access context on this request: is AccessModule imported?');
  return context;
}
