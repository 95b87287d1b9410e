export * from './content-draft.repository';
export type { ContentDraftRow, ContentDraftEventRow } from './content-tables.entity';
