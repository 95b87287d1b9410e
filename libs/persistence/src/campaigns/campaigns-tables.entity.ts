import type { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';

/** Tables of the campaigns area: campaign exposures, goal conversions and bandit posteriors. */
export function campaignsEntities(dialect: Dialect): EntitySchema[] {
  void dialect;
  return [];
}
