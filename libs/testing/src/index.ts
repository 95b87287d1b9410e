export * from './database-targets';
export * from './event-factory';
export * from './platform-process';
export * from './kafka-broker';
export * from './fresh-database';
export * from './committed-offset-watch';
export * from './fuzz';
export * from './g8/canary-pii';
