export * from './audit';
export * from './consent';
export * from './data-subject-rights';
export * from './retention';
export * from './governance-http.module';
