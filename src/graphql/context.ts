import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { bearerToken, type Identity, type TokenCheck, type TokenVerifier } from '../auth/jwt';
import type { Config } from '../config/config';
import { type DatabaseOutage, isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/availability';
import { RejectedTokenError, ServiceUnavailableError, UnauthenticatedError } from '../domain/errors';
import { createLoaders, type Loaders } from '../loaders';
import { type UserDirectory, userFromIdentity } from '../auth/user-directory';
import { ViewerAccess } from '../../permissions/viewer-access';
import { PermissionTable } from '../../permissions/table';
import type { BypassAudit } from '../services/sign-in-policy.service';

/** The signed-in caller. */
export interface Viewer {
  id: string;
  identity: Identity;
}

/** What every resolver and rule receives. Built fresh for each request. */
export interface Context {
  requestId: string;
  /**
   * The moment the request decides at, read once from the configuration's clock: every check of
   * one request (expiries, invitation status, rate windows) sees the same time, and tests move the
   * clock instead of sleeping.
   */
  now: Date;
  config: Config;
  db: DataSource;
  viewer: Viewer | null;
  loaders: Loaders;
  access: ViewerAccess;
  /** The permission table: built-in rows and the supergraph's declared ones (docs/domain-rules.md §18). */
  permissions: PermissionTable;
  /** Wakes the email dispatcher after a transaction that queued mail (null where none runs). */
  outbox: { nudge(): void } | null;
}

export interface ContextDependencies {
  config: Config;
  db: DataSource;
  verifyToken: TokenVerifier;
  users: UserDirectory;
  outbox?: { nudge(): void } | null;
  /** Where a database outage met while building the context is reported (logged once). */
  outage?: DatabaseOutage;
  /** Audits break-glass members who act without satisfying a sign-in policy (docs/domain-rules.md §20). */
  signInBypasses?: BypassAudit;
}

/** The signed-in caller, or UNAUTHENTICATED. */
export function requireViewer(ctx: Pick<Context, 'viewer'>): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError();
  return ctx.viewer;
}

/**
 * Verifies the bearer token (the only identity the subgraph trusts) and makes sure the user
 * record exists. No Authorization header makes an anonymous caller (`me` is null, guarded
 * operations answer UNAUTHENTICATED); a header whose token is refused fails the whole request
 * with UNAUTHENTICATED and a reason, so that an expired session is never mistaken for none.
 */
export async function createContext(
  deps: ContextDependencies,
  authorization: string | undefined,
  requestId: string = randomUUID(),
): Promise<Context> {
  try {
    return await buildContext(deps, authorization, requestId);
  } catch (error) {
    // docs/domain-rules.md §17: the whole request answers 503 SERVICE_UNAVAILABLE, retryably.
    if (!isDatabaseUnavailable(error)) throw error;
    deps.outage?.report(error);
    throw new ServiceUnavailableError(RETRY_AFTER_SECONDS);
  }
}

async function buildContext(
  deps: ContextDependencies,
  authorization: string | undefined,
  requestId: string,
): Promise<Context> {
  let identity: Identity | null = null;
  if (authorization !== undefined && authorization.trim() !== '') {
    const token = bearerToken(authorization);
    const check: TokenCheck = token ? await deps.verifyToken(token) : { rejected: 'TOKEN_INVALID' };
    if ('rejected' in check) throw new RejectedTokenError(check.rejected);
    identity = check.identity;
  }
  const now = deps.config.clock.now();
  const ensured = identity ? await deps.users.ensure(identity, now) : null;
  const loaders = createLoaders(deps.db, now);
  const viewer = identity ? { id: identity.sub, identity } : null;
  if (identity) {
    // The user record was just made to match the claims: `me` needs no read of it.
    loaders.user.prime(identity.sub, userFromIdentity(identity));
    // Nearly every operation checks permissions: the viewer's memberships start loading now, in
    // parallel with whatever the operation reads first.
    const memberships = loaders.membershipsByUser.load(identity.sub);
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
  const permissions = PermissionTable.of(deps.config.declaredPermissions);
  return {
    requestId,
    now,
    permissions,
    config: deps.config,
    db: deps.db,
    viewer,
    loaders,
    access: new ViewerAccess(
      viewer && {
        id: viewer.id,
        verifiedEmail: viewer.identity.emailVerified && viewer.identity.email ? viewer.identity.email : null,
        signIn: { amr: viewer.identity.amr, ssoConnection: viewer.identity.ssoConnection },
      },
      loaders,
      now,
      permissions,
      viewer && deps.signInBypasses
        ? (organizationId) => deps.signInBypasses?.record(organizationId, viewer.id, requestId, now)
        : null,
    ),
    outbox: deps.outbox ?? null,
  };
}
