import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { KairosError } from '@kairos/contracts';
import { AbilityFactory } from '../ability/ability-factory';
import { BearerAuthenticator, type AuthenticationFailure } from '../authentication/bearer-authenticator';
import type { Principal } from '../principal/access-vocabulary';
import { attachAccessContext } from './access-context';
import { ACCESS_MODULE_OPTIONS, type AccessModuleOptions, type DenialReason, type DeniedRoute } from './access-options';
import { PERMISSION_METADATA, type RoutePermission } from './require-permission.decorator';

const CHALLENGE: Record<AuthenticationFailure, string> = {
  'missing-credentials': 'Bearer realm="kairos"',
  'malformed-credentials': 'Bearer realm="kairos", error="invalid_request"',
  'invalid-credentials': 'Bearer realm="kairos", error="invalid_token"',
};

interface HttpRequestLike {
  readonly method?: string;
  readonly url?: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly routeOptions?: { readonly url?: string };
  readonly route?: { readonly path?: string };
}

interface HttpReplyLike {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

/**
 * The global guard: deny by default. A route without @RequirePermission answers 403 whoever calls; otherwise the
 * caller must authenticate (401 with a Bearer challenge if not) and hold the permission for the subject type (403).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(BearerAuthenticator) private readonly authenticator: BearerAuthenticator,
    @Inject(AbilityFactory) private readonly abilities: AbilityFactory,
    @Inject(ACCESS_MODULE_OPTIONS) private readonly options: AccessModuleOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') {
      this.report(null, { method: context.getType(), path: context.getHandler().name }, 'unsupported-context');
      throw new KairosError('FORBIDDEN', 'only HTTP requests are authorized by this guard');
    }
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const route: DeniedRoute = { method: request.method ?? 'UNKNOWN', path: request.routeOptions?.url ?? request.route?.path ?? '(unknown route)' };

    const permission = this.reflector.getAllAndOverride<RoutePermission | undefined>(PERMISSION_METADATA, [context.getHandler(), context.getClass()]);
    if (permission === undefined) {
      this.report(null, route, 'no-permission-declared');
      throw new KairosError('FORBIDDEN', 'this route declares no permission, so nobody may call it');
    }

    const outcome = await this.authenticator.authenticate(request.headers['authorization']);
    if ('failure' in outcome) {
      setHeader(http.getResponse<HttpReplyLike>(), 'WWW-Authenticate', CHALLENGE[outcome.failure]);
      this.report(null, route, outcome.failure);
      throw new KairosError('UNAUTHENTICATED', outcome.failure === 'missing-credentials' ? 'authentication required' : 'invalid credentials');
    }

    const ability = this.abilities.abilityFor(outcome.principal);
    if (!ability.can(permission.action, permission.subject)) {
      this.report(outcome.principal, route, 'not-permitted');
      const reason = ability.relevantRuleFor(permission.action, permission.subject)?.reason;
      throw new KairosError('FORBIDDEN', reason ?? `role ${outcome.principal.role} may not ${permission.action} ${permission.subject}`);
    }
    attachAccessContext(request, { principal: outcome.principal, ability });
    return true;
  }

  private report(principal: Principal | null, route: DeniedRoute, reason: DenialReason): void {
    const sink = this.options.onDenied;
    if (sink === undefined) return;
    try {
      sink(principal, route, reason);
    } catch {
      // The denial stands whatever the sink does; a failing audit sink must not turn a 401/403 into a 500.
    }
  }
}

function setHeader(reply: HttpReplyLike, name: string, value: string): void {
  if (typeof reply.header === 'function') reply.header(name, value);
  else if (typeof reply.setHeader === 'function') reply.setHeader(name, value);
}
