import { MigrationInterface } from 'typeorm';
import { CreateActionOutbox1764100000000 } from './1764100000000-create-action-outbox';
import { CreateContentRefBindings1764100100000 } from './1764100100000-create-content-ref-bindings';
import { WidenOutboxContentVersion1764900000000 } from './1764900000000-widen-outbox-content-version';
import { AddOutboxClaims1795800000000 } from './1795800000000-add-outbox-claims';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the decisions area per dialect, in the order they run (after the foundation tables). */
export const decisionsMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateActionOutbox1764100000000, CreateContentRefBindings1764100100000, WidenOutboxContentVersion1764900000000, AddOutboxClaims1795800000000],
  postgres: [CreateActionOutbox1764100000000, CreateContentRefBindings1764100100000, WidenOutboxContentVersion1764900000000, AddOutboxClaims1795800000000],
};
