import { MigrationInterface } from 'typeorm';
import { CreateConsentLedger1763900300000 } from './1763900300000-create-consent-ledger';

type MigrationClass = new () => MigrationInterface;

/** Migrations of the consent area per dialect, in the order they run (after the foundation tables). */
export const consentMigrations: { readonly sqlite: MigrationClass[]; readonly postgres: MigrationClass[] } = {
  sqlite: [CreateConsentLedger1763900300000],
  postgres: [CreateConsentLedger1763900300000],
};
