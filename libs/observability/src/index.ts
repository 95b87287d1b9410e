export * from './kairos-logger';
export * from './kairos-metrics';
