export * from './seeded-random';
export * from './sfc32';
