export * from './erasure';
export * from './export';
export * from './reviews';
