import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layering of the request path, checked on every import:
 *   src/app → src/schema → resolvers/ → src/services/ → permissions/, src/loaders/ → src/db/, entities/ → src/domain/
 * A room may import from the rooms to its right, never from one to its left, and runtime code
 * never imports an example.
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
  layer(['src/services/**/*.ts'], [RESOLVERS, EXAMPLES], 'services return plain data: resolvers wrap it'),
  layer(
    ['permissions/**/*.ts', 'src/loaders/**/*.ts'],
    [RESOLVERS, SERVICES, EXAMPLES],
    'rules and loaders ask the context, not services',
  ),
  layer(
    ['src/db/**/*.ts', 'entities/**/*.ts'],
    [RESOLVERS, SERVICES, PERMISSIONS, LOADERS, EXAMPLES],
    'the database layer knows only entities and the domain',
  ),
  layer(
    ['src/domain/**/*.ts'],
    [RESOLVERS, SERVICES, PERMISSIONS, LOADERS, '(^|/)db/', '(^|/)entities/', EXAMPLES],
    'the domain depends on nothing of the service',
  ),
);
