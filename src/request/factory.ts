import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { bearerToken, type Identity, type TokenCheck, type TokenVerifier } from '../auth/jwt';
import { type UserDirectory, userFromIdentity } from '../auth/user-directory';
import type { Config } from '../config/config';
import { type DatabaseOutage, isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/availability';
import { RejectedTokenError, ServiceUnavailableError } from '../domain/errors';
import { createLoaders } from '../loaders';
import { prefetchMembershipsWithPage } from '../loaders/held-memberships';
import type { MemberPageKey } from '../db/member-page';
import { ViewerAccess } from '../../permissions/viewer-access';
import { PermissionTable } from '../../permissions/table';
import { ANONYMOUS, type Actor, type Nudge, type RequestScope, type SignInBypasses } from './scope';

/** What every scope is made of, whoever acts. */
export interface ScopeGround {
  config: Config;
  db: DataSource;
  /** Wakes the email dispatcher (none in jobs and commands). */
  outbox?: Nudge | null;
  /** Audits break-glass members who act without satisfying a sign-in policy (docs/domain-rules.md §20). */
  signInBypasses?: SignInBypasses;
}

/** What a way in that takes a person's bearer token needs besides. */
export interface ScopeDependencies extends ScopeGround {
  verifyToken: TokenVerifier;
  users: UserDirectory;
  /** Where a database outage met while making the scope is reported (logged once). */
  outage?: DatabaseOutage;
}

/**
 * The one factory of request scopes: the actor is already known (a person whose token was
 * verified, a provisioning token, a service, the system). Fresh loaders each time, the permission
 * table of the configuration, and access only for a person: any other actor holds no membership,
 * so every permission check of its scope is denied.
 */
export function scopeOf<A extends Actor>(
  ground: ScopeGround,
  actor: A,
  requestId: string = randomUUID(),
  now: Date = ground.config.clock.now(),
): RequestScope & { actor: A } {
  const decision = decisionScopeOf(ground, actor, requestId, now);
  const { permissions, viewer } = decision;
  const loaders = createLoaders(ground.db, now);
  const bypasses = ground.signInBypasses;
  const access = new ViewerAccess(
    viewer && {
      id: viewer.id,
      verifiedEmail: viewer.identity.emailVerified && viewer.identity.email ? viewer.identity.email : null,
      signIn: { amr: viewer.identity.amr, ssoConnection: viewer.identity.ssoConnection },
    },
    loaders,
    now,
    permissions,
    viewer && bypasses ? (organizationId) => bypasses.record(organizationId, viewer.id, requestId, now) : null,
  );
  return { ...decision, loaders, access, outbox: ground.outbox ?? null };
}

/** What a supergraph decision reads of a scope (docs/domain-rules.md §19): no loaders, no access of its own. */
export type DecisionScope = Pick<
  RequestScope,
  'requestId' | 'now' | 'actor' | 'viewer' | 'config' | 'db' | 'permissions'
>;

/**
 * The part of `scopeOf`'s scope a decision reads: a decision makes its one read itself
 * (src/db/access-facts.ts), so the loaders and the viewer's access, which it never uses, are not
 * made for it.
 */
export function decisionScopeOf<A extends Actor>(
  ground: ScopeGround,
  actor: A,
  requestId: string = randomUUID(),
  now: Date = ground.config.clock.now(),
): DecisionScope & { actor: A } {
  return {
    requestId,
    now,
    actor,
    viewer: actor.kind === 'person' ? actor.viewer : null,
    config: ground.config,
    db: ground.db,
    permissions: PermissionTable.of(ground.config.declaredPermissions),
  };
}

/**
 * What a request will read first, when its way in can tell before anything runs (GraphQL reads it
 * from the operation, src/graphql/first-need.ts): a members page, read with the person's
 * memberships in one statement. Only read ahead, never decided or answered here.
 */
export interface FirstNeed {
  memberPage: MemberPageKey;
}

/** The actor of an identity: a person, or no one. */
export const actorOf = (identity: Identity | null): Actor =>
  identity ? { kind: 'person', viewer: { id: identity.sub, identity } } : ANONYMOUS;

/**
 * The scope of a request that may carry a person's bearer token (GraphQL, the audit export).
 * Verifies the token (the only identity the subgraph trusts) and makes sure the user record
 * exists. No Authorization header makes an anonymous caller (`me` is null, guarded operations
 * answer UNAUTHENTICATED); a header whose token is refused fails the whole request with
 * UNAUTHENTICATED and a reason, so that an expired session is never mistaken for none.
 */
export async function scopeForBearer(
  deps: ScopeDependencies,
  authorization: string | undefined,
  requestId: string = randomUUID(),
  firstNeed: FirstNeed | null = null,
): Promise<RequestScope> {
  try {
    return await personScope(deps, authorization, requestId, firstNeed);
  } catch (error) {
    // docs/domain-rules.md §17: the whole request answers 503 SERVICE_UNAVAILABLE, retryably.
    if (!isDatabaseUnavailable(error)) throw error;
    deps.outage?.report(error);
    throw new ServiceUnavailableError(RETRY_AFTER_SECONDS);
  }
}

async function personScope(
  deps: ScopeDependencies,
  authorization: string | undefined,
  requestId: string,
  firstNeed: FirstNeed | null,
): Promise<RequestScope> {
  let identity: Identity | null = null;
  if (authorization !== undefined && authorization.trim() !== '') {
    const token = bearerToken(authorization);
    const check: TokenCheck = token ? await deps.verifyToken(token) : { rejected: 'TOKEN_INVALID' };
    if ('rejected' in check) throw new RejectedTokenError(check.rejected);
    identity = check.identity;
  }
  const now = deps.config.clock.now();
  const ensured = identity ? await deps.users.ensure(identity, now, requestId) : null;
  const scope = scopeOf(deps, actorOf(identity), requestId, now);
  if (identity) {
    const { loaders } = scope;
    // The user record was just made to match the claims: `me` needs no read of it.
    loaders.user.prime(identity.sub, userFromIdentity(identity));
    // Nearly every operation checks permissions: the viewer's memberships start loading now, in
    // parallel with whatever the operation reads first — or, where that is known to be a members
    // page, in the same statement as that page.
    const memberships = firstNeed
      ? prefetchMembershipsWithPage(deps.db, loaders, identity.sub, firstNeed.memberPage)
      : loaders.membershipsByUser.load(identity.sub);
    if (ensured === 'remembered') {
      // The person's row was not read, yet an erasure by any instance or `npm run erase-user` must
      // bite on the next request (docs/domain-rules.md §16). An erased person holds no membership
      // (the erasure removes them all before marking the row, and every grant refuses an erased
      // person), so someone who holds one is not erased and costs nothing more; only someone who
      // holds none is asked of the database.
      // A read that fails for another reason than an outage fails the operation itself, where it is
      // masked as INTERNAL_SERVER_ERROR (the loader keeps the rejection for the first permission check).
      const held = await memberships.catch((error: unknown) => {
        if (isDatabaseUnavailable(error)) throw error;
        return null;
      });
      if (held !== null && held.length === 0) await deps.users.refuseErased(identity.sub);
    } else {
      memberships.catch(() => undefined);
    }
  }
  return scope;
}
