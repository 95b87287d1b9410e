import type { KairosAbility, Principal } from '@kairos/access';

/** Who calls a content service method, with the ability every instance check is made against. */
export interface ContentCaller {
  readonly principal: Principal;
  readonly ability: KairosAbility;
}
