// Tier "unit": files named *.spec.ts (see CONTRIBUTING.md for the three tiers).
const preset = require('./jest.preset');

module.exports = {
  ...preset,
  displayName: 'unit',
  testMatch: ['<rootDir>/{apps,libs,tools,models}/**/*.spec.ts'],
  testTimeout: 20_000,
};
