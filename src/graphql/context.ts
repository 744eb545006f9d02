import type { RequestScope } from '../request/scope';
import { type ScopeDependencies, scopeForBearer } from '../request/factory';
import { firstNeedReader } from './first-need';
import type { OperationRequest } from './operation-scopes';

/**
 * What every resolver and rule receives: the request scope (src/request/scope.ts), made by the one
 * factory from the request's bearer token. GraphQL adds nothing of its own to it today; anything
 * purely GraphQL would go here, and nothing below src/graphql may import this file (the layers in
 * eslint.config.mjs): services, rules and resolvers name `RequestScope`.
 */
export type Context = RequestScope;

export type ContextDependencies = ScopeDependencies;

/**
 * The context of one GraphQL request: the scope of its bearer (see `scopeForBearer`), told what
 * the operation will read first (`firstNeed`) so that the viewer's memberships come with it.
 */
export function contextMaker(deps: ContextDependencies, maxTokens: number) {
  const firstNeed = firstNeedReader(maxTokens);
  return (authorization: string | undefined, requestId?: string, operation?: OperationRequest) =>
    scopeForBearer(deps, authorization, requestId, operation ? firstNeed(operation) : null);
}

/** The context of a request whose operation is not known: the scope of its bearer. */
export const createContext = scopeForBearer;

// Kept for code written against the context before the request scope existed; new code imports
// these from src/request/scope.ts.
export { requireViewer, type Viewer } from '../request/scope';
