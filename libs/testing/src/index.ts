export * from './database-targets';
