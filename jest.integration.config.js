// Tier "integration": files named *.integration-spec.ts (see CONTRIBUTING.md for the three tiers).
const preset = require('./jest.preset');

module.exports = {
  ...preset,
  displayName: 'integration',
  testMatch: ['<rootDir>/{apps,libs,tools,models}/**/*.integration-spec.ts'],
  testTimeout: 180_000,
  // Integration suites share one Kafka broker and one PostgreSQL server; running them one after another keeps
  // the 2-core machine from thrashing and the kill -9 timings meaningful.
  maxWorkers: 1,
};
