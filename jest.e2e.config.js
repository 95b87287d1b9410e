// Tier "e2e": files named *.e2e-spec.ts (see CONTRIBUTING.md for the three tiers).
const preset = require('./jest.preset');

module.exports = {
  ...preset,
  displayName: 'e2e',
  testMatch: ['<rootDir>/{apps,libs,tools,models}/**/*.e2e-spec.ts'],
  testTimeout: 120_000,
  maxWorkers: 1,
};
