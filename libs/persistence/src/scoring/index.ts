// Repositories of the scoring area (the model registry).
export * from './model-registry.repository';
export type { ModelStageChangeRow, ModelVersionRow } from './scoring-tables.entity';
