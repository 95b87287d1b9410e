export type { ConsentLedgerRow } from './consent-tables.entity';
export * from './consent-ledger.repository';
