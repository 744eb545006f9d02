import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { bearerToken, type Identity, type TokenVerifier } from './auth/jwt';
import type { Config } from './config';
import { createLoaders, type Loaders } from './loaders';
import { type UserDirectory, userFromIdentity } from './services/user.service';
import { ViewerAccess } from './viewer-access';

/** The signed-in caller. */
export interface Viewer {
  id: string;
  identity: Identity;
}

/** What every resolver and rule receives. Built fresh for each request. */
export interface Context {
  requestId: string;
  config: Config;
  db: DataSource;
  viewer: Viewer | null;
  loaders: Loaders;
  access: ViewerAccess;
  /** Wakes the email dispatcher after a transaction that queued mail (null where none runs). */
  outbox: { nudge(): void } | null;
}

export interface ContextDependencies {
  config: Config;
  db: DataSource;
  verifyToken: TokenVerifier;
  users: UserDirectory;
  outbox?: { nudge(): void } | null;
}

/**
 * Verifies the bearer token (the only identity the subgraph trusts) and makes sure the user
 * record exists. An invalid token makes an anonymous caller, never an error here: `me` is then
 * null and every guarded operation answers UNAUTHENTICATED.
 */
export async function createContext(deps: ContextDependencies, authorization: string | undefined): Promise<Context> {
  const token = bearerToken(authorization);
  const identity = token ? await deps.verifyToken(token) : null;
  if (identity) await deps.users.ensure(identity);
  const loaders = createLoaders(deps.db);
  const viewer = identity ? { id: identity.sub, identity } : null;
  if (identity) {
    // The user record was just made to match the claims: `me` needs no read of it.
    loaders.user.prime(identity.sub, userFromIdentity(identity));
    // Nearly every operation checks permissions: the viewer's memberships start loading now, in
    // parallel with whatever the operation reads first.
    loaders.membershipsByUser.load(identity.sub).catch(() => undefined);
  }
  return {
    requestId: randomUUID(),
    config: deps.config,
    db: deps.db,
    viewer,
    loaders,
    access: new ViewerAccess(viewer?.id ?? null, loaders),
    outbox: deps.outbox ?? null,
  };
}
