/** One jest run for the whole workspace, against the real components started in global set-up. */
export default {
  testEnvironment: 'node',
  rootDir: '../..',
  testMatch: ['<rootDir>/{apps,libs,workflows}/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // Released workflow code extracted by infra/temporal/released-bundle.mjs: not part of this run's modules.
  modulePathIgnorePatterns: ['<rootDir>/.data/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  globalSetup: '<rootDir>/infra/testing/global-setup.mjs',
  globalTeardown: '<rootDir>/infra/testing/global-teardown.mjs',
  testTimeout: 120_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/infra/testing/summary-reporter.mjs'],
};
