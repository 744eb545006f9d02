import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layering of the request path, checked on every import (the README's picture):
 *   src/http → src/graphql → permissions/ rules → resolvers/ → src/services/
 *     → permissions/ (decisions), src/loaders/ → src/db/, entities/, src/outbound/ → src/domain/, src/config/
 * with src/scim/ (the SCIM 2.0 provider, mounted by src/http/) beside src/graphql/, and src/jobs/
 * (timers: outbox dispatchers, sweepers) a second way in beside src/http/.
 * A room may import from the rooms below it, never from one above, and runtime code never imports
 * an example. No file imports itself back through others (import-x/no-cycle).
 */
const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((regex) => ({ regex, message: `${why} (see the README's Layout).` })) },
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
// The request's context is the one file of src/graphql that the rooms below it may name (its type).
const GRAPHQL_BUT_CONTEXT = '(^|/)graphql/(?!context$)';

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
    [RESOLVERS, ENTRIES, '(^|/)graphql/', PERMISSIONS, LOADERS, EXAMPLES],
    'SCIM is a way in of its own beside GraphQL: its resource types use services, never the GraphQL path',
  ),
  layer(
    ['src/services/**/*.ts'],
    [RESOLVERS, ENTRIES, SCIM, GRAPHQL_BUT_CONTEXT, EXAMPLES],
    'services return plain data: resolvers wrap it',
  ),
  layer(
    ['permissions/**/*.ts', 'src/loaders/**/*.ts'],
    [RESOLVERS, SERVICES, ENTRIES, SCIM, GRAPHQL_BUT_CONTEXT, EXAMPLES],
    'rules and loaders ask the context, not services',
  ),
  layer(
    ['src/jobs/**/*.ts'],
    [RESOLVERS, '(^|/)http/', '(^|/)graphql/', SCIM, EXAMPLES],
    'jobs are a way in of their own: they use services, never the request path',
  ),
  layer(
    ['src/db/**/*.ts', 'entities/**/*.ts', 'src/outbound/**/*.ts', 'src/auth/**/*.ts'],
    [RESOLVERS, SERVICES, PERMISSIONS, LOADERS, ENTRIES, SCIM, '(^|/)graphql/', EXAMPLES],
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
      '(^|/)(db|entities|outbound|auth|graphql|jobs)/',
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
