export * from './applied-offsets';
export * from './event-trace.service';
export * from './partition-worker';
export * from './partition-lock';
export * from './partition-snapshot-envelope';
export * from './profile-query.service';
export * from './customer-state-http.module';
