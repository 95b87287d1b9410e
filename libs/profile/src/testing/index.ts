// Test support for @kairos/profile: import only from specs and tools, never from production code.
export * from './customer-event.factory';
export * from './customer-event.arbitraries';
export * from './profile-assertions';
