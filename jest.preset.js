// Shared jest settings for every tier. swc compiles TypeScript with decorator metadata (NestJS DI needs it)
// and is an order of magnitude faster than ts-jest on this 2-core machine.
const { pathsToModuleNameMapper } = require('./tools/scripts/paths-to-module-name-mapper');
const tsconfig = require('./tsconfig.base.json');

const swcOptions = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions] },
  // ESM-only packages that must be compiled to CommonJS for jest's module system.
  transformIgnorePatterns: ['/node_modules/(?!(jose|feelin|dmn-moddle|moddle|moddle-xml|saxen|min-dash|lezer-feel|@lezer|@nestjs|temporal-polyfill|temporal-spec|temporal-utils)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(tsconfig.compilerOptions.paths, __dirname),
  // Anchored at the root: CI may clone the repo under /tmp itself.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/tmp/'],
};
