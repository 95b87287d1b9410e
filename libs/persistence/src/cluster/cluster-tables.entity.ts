import type { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';

/** Tables of the cluster area: partition ownership of worker processes. */
export function clusterEntities(dialect: Dialect): EntitySchema[] {
  void dialect;
  return [];
}
