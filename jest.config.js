// Unit specs sit beside the code (src/.../*.spec.ts); contract and e2e specs live in test/.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

const project = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

// Everything, on the embedded SQLite store (and the EventStoreDB contract and fault tests on the
// in-process fake server).
const all = { ...project, displayName: 'default', roots: ['<rootDir>/src', '<rootDir>/test'], testMatch: ['**/*.spec.ts'] };

// The core e2e suite again with EVENT_STORE=esdb: each test app gets its own fake EventStoreDB.
const esdbE2e = {
  ...project,
  displayName: 'esdb',
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/e2e/**/*.e2e.spec.ts'],
  setupFiles: ['<rootDir>/test/support/esdb-fake/use-esdb.setup.ts'],
};

// `npm run test:esdb`: the contract and e2e suites on the real server EVENTSTORE_CONNECTION_STRING names.
const esdbReal = {
  ...esdbE2e,
  displayName: 'esdb-real',
  testMatch: [...esdbE2e.testMatch, '<rootDir>/test/contract/esdb-*.spec.ts'],
};

module.exports = {
  projects: process.env.BL_ESDB_TARGET === 'real' ? [esdbReal] : [all, esdbE2e],
  testTimeout: 60_000,
  maxWorkers: process.env.CI ? 2 : '50%',
};
