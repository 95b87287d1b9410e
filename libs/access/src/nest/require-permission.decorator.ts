import { SetMetadata } from '@nestjs/common';
import { ACTIONS, SUBJECTS, type Action, type SubjectName } from '../principal/access-vocabulary';

export const PERMISSION_METADATA = 'kairos:permission';

export interface RoutePermission {
  readonly action: Action;
  readonly subject: SubjectName;
}

/**
 * Declares what a handler (or every handler of a controller) needs. The global guard denies any route without it,
 * and checks the type only: handlers whose rule can carry conditions must also check the instance (assertCan).
 */
export function RequirePermission(action: Action, subject: SubjectName): MethodDecorator & ClassDecorator {
  if (!ACTIONS.includes(action)) throw new Error(`RequirePermission: unknown action ${String(action)}`);
  if (!SUBJECTS.includes(subject)) throw new Error(`RequirePermission: unknown subject ${String(subject)}`);
  const permission: RoutePermission = Object.freeze({ action, subject });
  return SetMetadata(PERMISSION_METADATA, permission);
}
