import { EntitySchema } from 'typeorm';
import { Dialect } from '../dialect';

/** Tables of the retention area, per dialect. */
export function retentionEntities(dialect: Dialect): EntitySchema[] {
  void dialect;
  return [];
}
