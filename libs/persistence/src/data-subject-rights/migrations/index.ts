import { MigrationInterface } from 'typeorm';
import { CreateReviewCases1764012000000 } from './1764012000000-create-review-cases';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the data-subject-rights area per dialect, in the order they run (after the foundation tables). */
export const dataSubjectRightsMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateReviewCases1764012000000],
  postgres: [CreateReviewCases1764012000000],
};
