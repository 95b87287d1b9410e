export * from './token-bucket-limiter';
export * from './rate-limit.hook';
