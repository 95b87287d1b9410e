import type { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';

/** Tables of the decisions area: decision records, the action outbox, contact history and trigger state. */
export function decisionsEntities(dialect: Dialect): EntitySchema[] {
  void dialect;
  return [];
}
