export * from './customer-key.repository';
export * from './erasure.repository';
export type { CustomerKeyRow, ErasureTombstoneRow } from './privacy-tables.entity';
