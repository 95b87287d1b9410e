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

// G8 (canary PII, see libs/testing/src/g8/g8-capture.js): while `npm test` captures, loggers write to the capture
// as well as their destination, and the simulator's customers carry canary names and addresses.
const g8Capture = process.env.KAIROS_G8_CAPTURE_DIR
  ? {
      moduleNameMapper: {
        '^pino$': '<rootDir>/libs/testing/src/g8/g8-pino.js',
        '^\\./synthetic-names$': '<rootDir>/libs/testing/src/g8/canary-synthetic-names.ts',
      },
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/g8/g8-jest-setup.ts'],
    }
  : { moduleNameMapper: {}, setupFilesAfterEnv: [] };

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions] },
  // ESM-only packages that must be compiled to CommonJS for jest's module system.
  transformIgnorePatterns: ['/node_modules/(?!(jose|feelin|dmn-moddle|moddle|moddle-xml|saxen|min-dash|lezer-feel|@lezer|@nestjs|temporal-polyfill|temporal-spec|temporal-utils)/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: { ...g8Capture.moduleNameMapper, ...pathsToModuleNameMapper(tsconfig.compilerOptions.paths, __dirname) },
  setupFilesAfterEnv: g8Capture.setupFilesAfterEnv,
  // Anchored at the root: CI may clone the repo under /tmp itself.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/tmp/'],
};
