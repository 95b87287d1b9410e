// Trigger-set authoring: draft → review → approved (four eyes) → deployed → retired, rollback, and the served set
// every process polls to hot-deploy into its TriggerRuntime.
export { TriggerSetsModule, type TriggerSetsModuleAsyncOptions } from './trigger-sets.module';
export { TriggerSetLifecycleController } from './trigger-set-lifecycle.controller';
export {
  TriggerSetLifecycleService,
  type ServedTriggerSetView,
  type TriggerSetLifecycleOptions,
  type TriggerSetTransitionRequest,
  type TriggerSetVersionView,
  type TriggerSetWrite,
} from './trigger-set-lifecycle.service';
export { checkTriggerDocument, type TriggerSetCheckContext } from './trigger-set-check';
export { triggerSetAuditRecord } from './trigger-set-audit';
export { OPEN_TRIGGER_SET_STATUSES, triggerSetMove, type TriggerSetCommand, type TriggerSetTransition } from './trigger-set-status';
export { triggerSetVersionSchema, triggerSetWriteRequestSchema } from './trigger-set-requests';
export { DEFAULT_SERVED_TRIGGER_SET_POLL_MS, ServedTriggerSet, type ServedTriggerSetOptions, type ServedTriggerSetState, type TriggerSetTarget } from './served-trigger-set';
