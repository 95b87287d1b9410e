export * from './consent-state';
export * from './consent-policy';
export * from './consent-decision';
export * from './audit-consent-snapshot';
export * from './purpose-registry.schema';
export * from './purpose-registry';
export * from './purpose-compliance';
export * from './consent-record';
