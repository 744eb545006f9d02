/** One config, three tiers: test/unit (pure), test/api (whole schema), test/integration (real DB, SMTP, races). */
const fs = require('node:fs');
const os = require('node:os');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/clone installs a whole clone (minutes), test/cluster starts a Galera cluster and
  // test/browser drives chromium: they run on their own (`npm run test:clone`, `test:cluster`,
  // `test:browser`), and CI runs all three.
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/clone/',
    '<rootDir>/test/cluster/',
    '<rootDir>/test/browser/',
  ],
  // jose ships ESM only: it goes through the same SWC transform as our own code.
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 30000,
  // Two workers at least: Jest's default (one fewer than the cores) is a single worker on a
  // two-core machine, which runs the files one after the other in one process and leaves a core
  // idle whenever a test waits for MariaDB, a child server or a socket. The command line's
  // --maxWorkers still wins (`--maxWorkers=1` runs in band).
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
};
