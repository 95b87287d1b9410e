import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, MODULE_PATH, PATH_METADATA, VERSION_METADATA } from '@nestjs/common/constants';
import { ApplicationConfig, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
// Nest's own path builder (global prefix and its exclusions, RouterModule paths, URI versioning): reusing it keeps
// this listing identical to what the router registered instead of re-deriving Nest's rules.
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory.js';
import { PERMISSION_METADATA, type RoutePermission } from '../nest/require-permission.decorator';
import { parseRouterTree, type RouterRoute } from './router-tree';

export interface RoutePermissionEntry {
  readonly method: string;
  readonly path: string;
  readonly permission: RoutePermission | null;
  /** `Controller.method`, or null for a route the HTTP server has but no Nest controller declares (no guard runs). */
  readonly handler: string | null;
}

interface HttpServerWithRoutes {
  printRoutes?(options?: object): string;
}

/**
 * Every HTTP route of a Nest application with the permission it declares. Controllers are walked through Nest's
 * module container; on Fastify the server's route table is read too, so a route mounted outside Nest (and thus
 * outside the guard) shows up with `handler: null`. Call after `app.init()`.
 */
export function collectRoutePermissions(app: INestApplication): RoutePermissionEntry[] {
  const container = app.get(ModulesContainer);
  const pathFactory = new RoutePathFactory(app.get(ApplicationConfig));
  const config = app.get(ApplicationConfig);
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const entries: RoutePermissionEntry[] = [];

  for (const moduleRef of container.values()) {
    const modulePath: string | undefined =
      Reflect.getMetadata(MODULE_PATH + container.applicationId, moduleRef.metatype) ?? Reflect.getMetadata(MODULE_PATH, moduleRef.metatype);
    for (const wrapper of moduleRef.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (controller === null || typeof controller !== 'function') continue;
      const ctrlPaths = toArray<string>(Reflect.getMetadata(PATH_METADATA, controller) ?? '/');
      const controllerVersion = Reflect.getMetadata(VERSION_METADATA, controller);
      const prototype = controller.prototype as Record<string, unknown>;
      for (const methodName of scanner.getAllMethodNames(prototype)) {
        const callback = prototype[methodName] as (...args: unknown[]) => unknown;
        const methodPaths = Reflect.getMetadata(PATH_METADATA, callback) as string | string[] | undefined;
        if (methodPaths === undefined) continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, callback) as RequestMethod;
        const permission = reflector.getAllAndOverride<RoutePermission | undefined>(PERMISSION_METADATA, [callback, controller]) ?? null;
        for (const ctrlPath of ctrlPaths) {
          for (const methodPath of toArray(methodPaths)) {
            const paths = pathFactory.create(
              {
                ctrlPath,
                methodPath: addLeadingSlash(methodPath),
                globalPrefix: config.getGlobalPrefix(),
                modulePath,
                controllerVersion,
                methodVersion: Reflect.getMetadata(VERSION_METADATA, callback),
                versioningOptions: config.getVersioning(),
              },
              requestMethod,
            );
            for (const path of paths) entries.push({ method: RequestMethod[requestMethod], path, permission, handler: `${controller.name}.${methodName}` });
          }
        }
      }
    }
  }
  return [...entries, ...routesOutsideNest(app, entries)];
}

/** Routes in the server's table that no controller accounts for (Fastify only; other adapters list none). */
function routesOutsideNest(app: INestApplication, nestRoutes: readonly RoutePermissionEntry[]): RoutePermissionEntry[] {
  const server = app.getHttpAdapter().getInstance() as HttpServerWithRoutes;
  if (typeof server.printRoutes !== 'function') return [];
  const known = new Set<string>();
  for (const route of nestRoutes) known.add(`${route.method} ${route.path}`);
  const isKnown = (route: RouterRoute): boolean =>
    known.has(`${route.method} ${route.path}`) ||
    known.has(`ALL ${route.path}`) ||
    // Fastify answers HEAD for every GET route with the GET handler, so the guard runs for it too.
    (route.method === 'HEAD' && known.has(`GET ${route.path}`));
  return parseRouterTree(server.printRoutes())
    .filter((route) => !isKnown(route))
    .map((route) => ({ method: route.method, path: route.path, permission: null, handler: null }));
}

function toArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function addLeadingSlash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
