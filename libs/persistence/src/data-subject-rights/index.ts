export type { ReviewCaseRow, ReviewCaseStatusValue } from './data-subject-rights-tables.entity';
export * from './review-case.repository';
export * from './customer-event-index.repository';
