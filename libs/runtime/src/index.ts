export * from './create-http-app';
export * from './kairos-runtime';
export * from './open-event-log';
export * from './open-storage';
export * from './runtime.module';
export * from './run-process';
export * from './content-wiring.module';
export * from './platform-features';
