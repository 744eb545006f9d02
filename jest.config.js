/** One config, three tiers: test/unit (pure), test/api (whole schema), test/integration (real DB, SMTP, races). */
const fs = require('node:fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/clone installs a whole clone (minutes) and test/cluster starts a Galera cluster: they run
  // on their own (`npm run test:clone`, `npm run test:cluster`), and CI runs both.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/clone/', '<rootDir>/test/cluster/'],
  // jose ships ESM only: it goes through the same SWC transform as our own code.
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 30000,
};
