import type { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';

/** Tables of the scoring area: the model registry. */
export function scoringEntities(dialect: Dialect): EntitySchema[] {
  void dialect;
  return [];
}
