import type { CustomRole } from '../../../entities/custom-role.entity';
import type { Invitation } from '../../../entities/invitation.entity';
import { assertMayGrantRole } from '../../../permissions/access';
import { withOrganizationLock } from '../../db/transaction';
import { Role } from '../../domain/enums';
import { AppError, BadUserInputError } from '../../domain/errors';
import type { scopeInputTarget } from '../../domain/scope';
import { validEmail, validFutureMoment } from '../../domain/validation';
import type { RequestScope } from '../../request/scope';
import { customRoleToGive } from '../roles/custom-roles.service';
import {
  accessEnd,
  createInvitation,
  draftInvitation,
  emailFacts,
  invitationScope,
  scopeNotFound,
} from './invitation-changes.service';

/** Bulk invitations (docs/domain-rules.md §11): each row judged alone by `inviteMember`'s rules. */

/** Most rows one `inviteMembers` takes (docs/domain-rules.md §11). */
export const MAX_BULK_INVITATIONS = 100;

/** Why one row of a bulk invitation was refused. */
export interface RowErrorData {
  code: string;
  message: string;
  field: string | null;
  /** With INVITATION_PENDING: the pending invitation to resend instead. */
  invitationId: string | null;
}

export interface InviteRowResultData {
  email: string;
  invitation: Invitation | null;
  error: RowErrorData | null;
}

export interface InviteMembersResult {
  dryRun: boolean;
  invitedCount: number;
  results: InviteRowResultData[];
}

/** Thrown inside a dry run's transaction once every row is judged, so that nothing it wrote stays. */
class DryRunRollback extends Error {}

function rowError(error: unknown, field: string | null = null): RowErrorData {
  if (!(error instanceof AppError)) throw error;
  const { field: named, invitationId } = error.extensions;
  return {
    code: error.code,
    message: error.message,
    field: typeof named === 'string' ? named : field,
    invitationId: typeof invitationId === 'string' ? invitationId : null,
  };
}

/**
 * docs/domain-rules.md §11: up to 100 invitations into one scope, each row judged alone with the rules of
 * `inviteMember` — the address, the role (accepted there, not above the caller's own), a repeat
 * of an earlier row, ALREADY_MEMBER, INVITATION_PENDING, the hourly limit — and the valid rows
 * invited and emailed. A refused row says why and stops nothing.
 *
 * The valid rows commit together, in one transaction under the organization's lock: each row is
 * judged inside it against what the rows before it wrote (the hourly limit runs out mid-batch as
 * it would one request at a time), and a failure of the database itself leaves no half-done
 * batch behind — the whole request fails and can be sent again as it was. A dry run judges the
 * same way inside the same transaction, then rolls it back: nothing is written or sent.
 */
export async function inviteMembers(
  ctx: RequestScope,
  input: {
    scope: Parameters<typeof scopeInputTarget>[0];
    invitations: readonly { email: string; role?: Role | null; customRoleId?: string | null }[];
    dryRun?: boolean | null;
    accessExpiresAt?: Date | null;
  },
): Promise<InviteMembersResult> {
  const rows = input.invitations;
  if (rows.length === 0 || rows.length > MAX_BULK_INVITATIONS) {
    throw new BadUserInputError(`invitations must hold 1 to ${MAX_BULK_INVITATIONS} rows.`, 'invitations');
  }
  const asked = input.accessExpiresAt ? validFutureMoment(input.accessExpiresAt, 'accessExpiresAt', ctx.now) : null;
  const dryRun = input.dryRun === true;
  const scope = await invitationScope(ctx, input.scope);
  const access = await ctx.access.at(scope);
  const now = ctx.now;
  // The custom roles the rows name, each judged once (docs/domain-rules.md §18).
  const customRoles = new Map<string, CustomRole | AppError>();
  for (const id of new Set(rows.flatMap((row) => (row.customRoleId ? [row.customRoleId] : [])))) {
    try {
      customRoles.set(id, (await customRoleToGive(ctx, id, scope, access)) as CustomRole);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      customRoles.set(id, error);
    }
  }

  // What can be judged without the database: the address, the role, repeats within the request.
  const seen = new Set<string>();
  const judged = rows.map((row) => {
    const given = row.email.trim();
    try {
      const email = validEmail(row.email);
      const custom = row.customRoleId ? customRoles.get(row.customRoleId) : undefined;
      if (custom instanceof AppError) return { email, draft: null, error: rowError(custom, 'customRoleId') };
      const role = custom?.baseRole ?? row.role ?? Role.MEMBER;
      if (seen.has(email)) {
        throw new BadUserInputError('This address appears more than once in the request.', 'email');
      }
      seen.add(email);
      try {
        assertMayGrantRole(scope.kind, role, access);
      } catch (error) {
        return { email, draft: null, error: rowError(error, 'role') };
      }
      const accessExpiresAt = accessEnd(scope.kind, role, access, asked);
      const draft = {
        ...draftInvitation(ctx, scope, email, role, now, accessExpiresAt),
        customRoleName: custom?.name ?? null,
      };
      draft.invitation.customRoleId = custom?.id ?? null;
      return { email, draft, error: null };
    } catch (error) {
      return { email: given, draft: null, error: rowError(error) };
    }
  });
  const first = judged.find((row) => row.draft)?.draft;
  const facts = first ? await emailFacts(ctx, first.invitation) : null;

  const results: InviteRowResultData[] = judged.map((row) => ({
    email: row.email,
    invitation: null,
    error: row.error,
  }));
  const invitable = judged.flatMap((row, index) => (row.draft ? [{ index, draft: row.draft }] : []));
  if (invitable.length > 0 && facts) {
    try {
      await withOrganizationLock(
        ctx.db,
        scope.organizationId,
        async (em) => {
          // Judged afresh on every attempt: a retried transaction must not keep an earlier verdict.
          for (const { index } of invitable) results[index].error = null;
          for (const { index, draft } of invitable) {
            try {
              await createInvitation(ctx, em, scope, draft, facts, now);
            } catch (error) {
              results[index].error = rowError(error);
            }
          }
          if (dryRun) throw new DryRunRollback();
        },
        scopeNotFound,
      );
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
  }
  let invitedCount = 0;
  for (const { index, draft } of invitable) {
    if (results[index].error) continue;
    invitedCount++;
    if (!dryRun) results[index].invitation = draft.invitation;
  }
  if (!dryRun && invitedCount > 0) ctx.outbox?.nudge();
  return { dryRun, invitedCount, results };
}
