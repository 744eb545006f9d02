import type { DataSource } from 'typeorm';
import type { ProvisioningToken } from '../../entities/provisioning-token.entity';
import type { Identity } from '../auth/jwt';
import type { Config } from '../config/config';
import { UnauthenticatedError } from '../domain/errors';
import type { Loaders } from '../loaders';
import type { ViewerAccess } from '../../permissions/viewer-access';
import type { PermissionTable } from '../../permissions/table';

/**
 * The request scope: what one request (or one pass of a job) decides with, whichever way it came
 * in — GraphQL, SCIM, the authorization endpoints, the identity events, the jobs. Every way in
 * makes it with the one factory (`src/request/factory.ts`), and services, rules and resolvers take
 * it; none of them knows the transport.
 */

/** The signed-in person. */
export interface Viewer {
  id: string;
  identity: Identity;
}

/** Who acts in a request. */
export type Actor =
  /** A person, by the bearer token the request carried. */
  | { kind: 'person'; viewer: Viewer }
  /** A request without credentials (GraphQL's `me` is null; a router's policies all decide false). */
  | { kind: 'anonymous' }
  /** A directory, by an organization's provisioning token (SCIM, docs/domain-rules.md §15). */
  | { kind: 'provisioning'; token: ProvisioningToken }
  /**
   * Another service: a holder of an AUTHZ_SERVICE_TOKENS token asking for checks
   * (docs/domain-rules.md §19), or the identity provider sending a signed user event (§16).
   */
  | { kind: 'service'; service: 'authorization-check' | 'identity-provider' }
  /** The service itself: a job (an expiry, a retention sweep) or a command run by an operator. */
  | { kind: 'system' };

export type ActorKind = Actor['kind'];

export const ANONYMOUS: Actor = { kind: 'anonymous' };
export const SYSTEM: Actor = { kind: 'system' };

/** Reports a break-glass member acting without satisfying a sign-in policy (docs/domain-rules.md §20). */
export interface SignInBypasses {
  record(organizationId: string, userId: string, requestId: string | null, at: Date): void;
}

/** Wakes a dispatcher after a transaction that queued work for it. */
export interface Nudge {
  nudge(): void;
}

export interface RequestScope {
  requestId: string;
  /**
   * The moment the request decides at, read once from the configuration's clock: every check of
   * one request (expiries, invitation status, rate windows) sees the same time, and tests move the
   * clock instead of sleeping.
   */
  now: Date;
  actor: Actor;
  /** The person of a `person` actor, else null: the shorthand every person-only check reads. */
  viewer: Viewer | null;
  config: Config;
  db: DataSource;
  /** Per-request batching of reads (fresh for each scope: nothing leaks between callers). */
  loaders: Loaders;
  /** What the actor may do where: a person's memberships, none for any other actor (deny by default). */
  access: ViewerAccess;
  /** The permission table: built-in rows and the supergraph's declared ones (docs/domain-rules.md §18). */
  permissions: PermissionTable;
  /** Wakes the email dispatcher after a transaction that queued mail (null where none runs). */
  outbox: Nudge | null;
}

/** The signed-in person, or UNAUTHENTICATED. */
export function requireViewer(scope: Pick<RequestScope, 'viewer'>): Viewer {
  if (!scope.viewer) throw new UnauthenticatedError();
  return scope.viewer;
}
