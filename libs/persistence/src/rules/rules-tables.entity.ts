import type { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';

/** Tables of the rules area: rule-set versions and their lifecycle. */
export function rulesEntities(dialect: Dialect): EntitySchema[] {
  void dialect;
  return [];
}
