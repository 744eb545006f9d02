import { rule } from 'graphql-shield';
import type { RequestScope } from '../../src/request/scope';
import { UnauthenticatedError } from '../../src/domain/errors';

/** A verified bearer token is present. Depends on the context only, so it may be cached per request. */
export const isAuthenticated = rule('isAuthenticated', { cache: 'contextual' })((_parent, _args, ctx: RequestScope) =>
  ctx.viewer ? true : new UnauthenticatedError(),
);
