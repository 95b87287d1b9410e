export * from './http-error.filter';
export * from './json-body-parser';
export * from './rate-limit';
export * from './framework-errors';
