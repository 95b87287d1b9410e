// Repositories of the triggers area: authored trigger-set versions and the persisted trigger trace.
export type { TriggerSetStatus, TriggerSetVersionRow, TriggerTraceRow } from './trigger-tables.entity';
export { TRIGGER_SET_STATUSES } from './trigger-tables.entity';
export { TriggerSetVersionRepository, type TriggerSetStep, type TriggerSetVersionRecord } from './trigger-set-version.repository';
export { TriggerTraceRepository, type StoredTriggerTrace } from './trigger-trace.repository';
