import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layering of the request path, checked on every import (docs/development.md, "The layers"):
 *   src/http → src/graphql → permissions/ rules → resolvers/ → src/services/ → src/request/
 *     → permissions/ (viewer-access, then the pure table), src/loaders/ → src/db/, entities/, src/outbound/, src/auth/
 *     → src/domain/, src/config/
 * with src/scim/ (the SCIM 2.0 provider, mounted by src/http/) beside src/graphql/, and src/jobs/
 * (timers: outbox dispatchers, sweepers) a second way in beside src/http/. Every way in makes its
 * request scope (src/request/) with the one factory; nothing below src/graphql names it.
 * A room may import from the rooms below it, never from one above, and runtime code never imports
 * an example. No file imports itself back through others (import-x/no-cycle).
 */
const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((regex) => ({
          regex,
          message: `${why} (see docs/development.md, "The layers and the request scope").`,
        })),
      },
    ],
  },
});
const RESOLVERS = '(^|/)resolvers/';
const SERVICES = '(^|/)services/';
const PERMISSIONS = '(^|/)permissions(/|$)';
const LOADERS = '(^|/)loaders(/|$)';
const EXAMPLES = '(^|/)examples/';
const ENTRIES = '(^|/)(http|jobs|cli)/';
const SCIM = '(^|/)scim/';
const GRAPHQL = '(^|/)graphql/';
const REQUEST = '(^|/)request/';
/** The permission policy itself: the table and its pure functions, data in and decisions out. */
const PURE_PERMISSIONS = ['table', 'access', 'capabilities', 'decisions', 'sign-in', 'scopes'].map(
  (name) => `permissions/${name}.ts`,
);

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'data/',
      'coverage/',
      'test/generated/',
      'examples/web/dist/',
      'examples/web/src/generated.ts',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-control-regex': 'off',
    },
  },
  layer(
    ['src/**/*.ts', 'resolvers/**/*.ts', 'permissions/**/*.ts', 'entities/**/*.ts'],
    [EXAMPLES],
    'runtime code never imports an example',
  ),
  layer(['resolvers/**/*.ts'], [ENTRIES, SCIM, EXAMPLES], 'resolvers are reached from the schema, never the other way'),
  layer(
    ['src/scim/**/*.ts'],
    [RESOLVERS, ENTRIES, GRAPHQL, PERMISSIONS, LOADERS, EXAMPLES],
    'SCIM is a way in of its own beside GraphQL: its resource types use services, never the GraphQL path',
  ),
  layer(
    ['src/services/**/*.ts'],
    [RESOLVERS, ENTRIES, SCIM, GRAPHQL, EXAMPLES],
    'services take the request scope and return plain data: resolvers wrap it',
  ),
  layer(
    ['src/request/**/*.ts'],
    [RESOLVERS, SERVICES, ENTRIES, SCIM, GRAPHQL, '(^|/)permissions/(rules/|index)', EXAMPLES],
    'the request scope is made below every way in: it knows no transport, no service and no shield rule',
  ),
  layer(
    ['permissions/**/*.ts'],
    [RESOLVERS, SERVICES, ENTRIES, SCIM, GRAPHQL, EXAMPLES],
    'rules ask the request scope, not services',
  ),
  layer(
    ['src/loaders/**/*.ts'],
    [RESOLVERS, SERVICES, PERMISSIONS, REQUEST, ENTRIES, SCIM, GRAPHQL, EXAMPLES],
    'loaders read the database for one request: the scope holds them, never the reverse',
  ),
  layer(
    PURE_PERMISSIONS,
    // No package, nothing of the server above the domain, no adapter of the policy.
    ['^(?!\\.)', '^\\.\\./(?!src/domain/)', '^\\./(rules/|viewer-access|index)'],
    'the permission policy is pure: it imports the domain and itself, nothing of the server',
  ),
  layer(
    ['src/jobs/**/*.ts'],
    [RESOLVERS, '(^|/)http/', GRAPHQL, SCIM, EXAMPLES],
    'jobs are a way in of their own: they use services, never the request path',
  ),
  layer(
    ['src/db/**/*.ts', 'entities/**/*.ts', 'src/outbound/**/*.ts', 'src/auth/**/*.ts'],
    [RESOLVERS, SERVICES, PERMISSIONS, LOADERS, REQUEST, ENTRIES, SCIM, GRAPHQL, EXAMPLES],
    'the database and the outside world know only entities, the domain and the configuration',
  ),
  layer(
    ['src/domain/**/*.ts', 'src/config/**/*.ts'],
    [
      RESOLVERS,
      SERVICES,
      PERMISSIONS,
      LOADERS,
      ENTRIES,
      SCIM,
      '(^|/)(db|entities|outbound|auth|graphql|jobs|request)/',
      EXAMPLES,
    ],
    'the domain depends on nothing of the service',
  ),
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
);
