import type { DataSource, EntityManager } from 'typeorm';
import type { ProvisioningToken } from '../../entities/provisioning-token.entity';
import type { Config } from '../config/config';
import { withOrganizationLock } from '../db/transaction';
import type { AuditActor } from '../services/audit.service';
import { provisioningActor } from '../services/provisioning/provisioned-access';
import { asScimError, ScimError } from './protocol';

/** A SCIM request as the resource types see it: the organization's token, the moment, where resources live. */
export interface ScimRequest {
  db: DataSource;
  token: ProvisioningToken;
  now: Date;
  requestId: string | null;
  /** The absolute URL of `/scim/v2`, for `meta.location`. */
  base: string;
  /** For the invitation emails of addresses the organization does not own (docs/domain-rules.md §15). */
  config: Config;
}

/** Runs a change under the token's organization's lock, with SCIM's errors. */
export async function inDirectory<T>(req: ScimRequest, work: (em: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await withOrganizationLock(
      req.db,
      req.token.organizationId,
      work,
      () => new ScimError(404, 'Organization not found.'),
    );
  } catch (error) {
    throw asScimError(error);
  }
}

/** The audit actor of the request's changes: no person, the token. */
export const actorOf = (req: ScimRequest): AuditActor => provisioningActor(req.now, req.token.id, req.requestId);
