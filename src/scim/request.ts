import type { EntityManager } from 'typeorm';
import type { ProvisioningToken } from '../../entities/provisioning-token.entity';
import { withOrganizationLock } from '../db/transaction';
import type { RequestScope } from '../request/scope';
import { type AuditActor, auditActorOf } from '../services/audit/audit.service';
import { asScimError, ScimError } from './protocol';

/**
 * A SCIM request as the resource types see it: the request scope of a directory (its actor is the
 * organization's provisioning token, made by the one factory in src/scim/routes.ts) and where
 * resources live.
 */
export interface ScimRequest extends RequestScope {
  actor: { kind: 'provisioning'; token: ProvisioningToken };
  /** The absolute URL of `/scim/v2`, for `meta.location`. */
  base: string;
}

/** The organization the request's token speaks for. */
export const organizationOf = (req: ScimRequest): string => req.actor.token.organizationId;

/** Runs a change under the token's organization's lock, with SCIM's errors. */
export async function inDirectory<T>(req: ScimRequest, work: (em: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await withOrganizationLock(
      req.db,
      organizationOf(req),
      work,
      () => new ScimError(404, 'Organization not found.'),
    );
  } catch (error) {
    throw asScimError(error);
  }
}

/** The audit actor of the request's changes: no person, the token. */
export const actorOf = (req: ScimRequest): AuditActor => auditActorOf(req);
