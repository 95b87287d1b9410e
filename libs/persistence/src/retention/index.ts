export * from './retention-sweep.repository';
export * from './snapshot-retention.repository';
