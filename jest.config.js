/** One config, three tiers: test/unit (pure), test/api (whole schema), test/integration (real DB, SMTP, races). */
const fs = require('node:fs');
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
};
