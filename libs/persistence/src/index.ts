export * from './data-source';
export * from './dialect';
export * from './repositories/api-key.repository';
export * from './repositories/event-index.repository';
export * from './repositories/identity.repository';
export * from './repositories/partition-snapshot.repository';
