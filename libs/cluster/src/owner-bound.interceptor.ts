import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Observable, from, of, switchMap } from 'rxjs';
import { notPartitionOwner } from './not-partition-owner';
import { FORWARDED_HEADER, type ForwardableMethod, type ForwardedAnswer } from './owner-forwarder';
import type { OwnerRouting } from './owner-routing';

/** Where a route finds the customer it is bound to: a path parameter, a top-level body field, or a function. */
export type CustomerLocator = { readonly param: string } | { readonly body: string } | ((request: FastifyRequest) => unknown);

const OWNER_BOUND = 'kairos:owner-bound';

/**
 * Marks a route as served by the owner of the customer's partition: a process that does not own it forwards the
 * request there and relays the answer. Authentication and authorization run here first (guards precede
 * interceptors), and again at the owner with the caller's own credentials.
 */
export const OwnerBound = (locator: CustomerLocator) => SetMetadata(OWNER_BOUND, locator);

const FORWARDABLE = new Set<string>(['GET', 'POST', 'PUT']);

/** Registered once for the whole app (app.useGlobalInterceptors); routes without @OwnerBound pass through. */
@Injectable()
export class OwnerRoutingInterceptor implements NestInterceptor {
  constructor(
    private readonly routing: OwnerRouting,
    private readonly reflector = new Reflector(),
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const locator = this.reflector.get<CustomerLocator | undefined>(OWNER_BOUND, context.getHandler());
    if (!locator || context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const customerId = locate(locator, request);
    // No usable id: the handler's own validation answers 400.
    if (typeof customerId !== 'string' || customerId.length === 0) return next.handle();
    const method = request.method.toUpperCase();
    const hops = hopsOf(request.headers[FORWARDED_HEADER]);
    return from(
      this.routing.resolve(customerId, {
        method: (FORWARDABLE.has(method) ? method : 'GET') as ForwardableMethod,
        path: request.url,
        body: request.body ?? undefined,
        authorization: headerValue(request.headers.authorization),
        // The hop the forwarded request would be; anything but the first is refused by the forwarder.
        hops: FORWARDABLE.has(method) ? hops + 1 : Number.MAX_SAFE_INTEGER,
      }),
    ).pipe(switchMap((where) => (where === 'local' ? next.handle() : of(toResponse(where)))));
  }
}

function locate(locator: CustomerLocator, request: FastifyRequest): unknown {
  if (typeof locator === 'function') return locator(request);
  if ('param' in locator) return (request.params as Record<string, unknown> | undefined)?.[locator.param];
  const body = request.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) && Object.hasOwn(body, locator.body) ? (body as Record<string, unknown>)[locator.body] : undefined;
}

function hopsOf(header: string | string[] | undefined): number {
  const value = headerValue(header);
  if (value === '') return 0;
  const hops = Number.parseInt(value, 10);
  // Anything unreadable counts as forwarded: never a reason to forward again.
  return Number.isSafeInteger(hops) && hops >= 0 ? hops : 1;
}

function headerValue(header: string | string[] | undefined): string {
  return (Array.isArray(header) ? header[0] : header) ?? '';
}

/** The owner's answer as a web Response, whose status and headers Nest sends as they are. */
function toResponse(answer: ForwardedAnswer): Response {
  const noBody = answer.body === undefined || answer.status === 204 || answer.status === 304;
  const body = noBody ? null : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  if (answer.status < 200 || answer.status > 599) throw notPartitionOwner('the partition owner answered unexpectedly; retry');
  return new Response(body, { status: answer.status, headers: answer.headers });
}
