import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { accessContextOf } from './access-context';

/** Handler parameter: the authenticated `Principal`. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext) => accessContextOf(ctx.switchToHttp().getRequest<object>()).principal);

/** Handler parameter: the caller's CASL ability, for instance checks (assertCan) and row filtering (filterPermitted). */
export const CurrentAbility = createParamDecorator((_data: unknown, ctx: ExecutionContext) => accessContextOf(ctx.switchToHttp().getRequest<object>()).ability);
