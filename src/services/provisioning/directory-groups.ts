import { type EntityManager, In } from 'typeorm';
import { Membership } from '../../../entities/membership.entity';
import { ScimGroupMember } from '../../../entities/scim-group-member.entity';
import { ScimUser } from '../../../entities/scim-user.entity';
import { updateMembershipRole } from '../../db/membership-rows';
import { findLocked } from '../../db/transaction';
import { AuditAction, Role, ScopeKind } from '../../domain/enums';
import type { ScopeRef } from '../../domain/scope';
import type { RequestScope } from '../../request/scope';
import { type AuditActor, auditActorOf, recordAudit } from '../audit/audit.service';
import { grantMembership, removeWithin } from '../memberships/membership-grants';

/**
 * What a directory's groups do to a linked person's workspace memberships (docs/domain-rules.md
 * §15), inside the organization's lock: a group is a workspace, and its members are its MEMBERs —
 * or hold the custom role the group carries (§18, the membership extension's `role`). The
 * directory takes away only what it gave: a membership someone already holds there, given by a
 * person, stays exactly as it is (role, expiry, not `provisioned`), so that leaving the group later
 * finds nothing of the directory's to remove or change.
 */

/** Marks memberships as the directory's (`Member.provisioned`). */
export async function markProvisioned(em: EntityManager, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await em.query(`UPDATE memberships SET provisioned = ? WHERE id IN (${ids.map(() => '?').join(', ')})`, [
    true,
    ...ids,
  ]);
}

interface GroupOfPerson {
  workspace_id: string;
  custom_role_id: string | null;
  custom_role_name: string | null;
  base_role: Role | null;
}

/**
 * The workspace memberships a linked person's groups give them: each group's role (MEMBER, or its
 * custom role), provisioned. One the directory gave before follows the group's role as it is now;
 * one given by a person is left alone.
 */
export async function applyGroups(em: EntityManager, actor: AuditActor, scim: ScimUser, userId: string): Promise<void> {
  const groups: GroupOfPerson[] = await em.query(
    `SELECT g.workspace_id, r.id AS custom_role_id, r.name AS custom_role_name, r.base_role
       FROM scim_group_members g JOIN workspaces w ON w.id = g.workspace_id
       LEFT JOIN custom_roles r ON r.id = w.group_custom_role_id AND r.organization_id = w.organization_id
      WHERE g.scim_user_id = ? ORDER BY g.created_at, g.workspace_id`,
    [scim.id],
  );
  for (const group of groups) {
    const scope: ScopeRef = {
      kind: ScopeKind.WORKSPACE,
      organizationId: scim.organizationId,
      workspaceId: group.workspace_id,
    };
    const customRole = group.custom_role_id ? { id: group.custom_role_id, name: group.custom_role_name ?? '' } : null;
    const role = group.base_role ?? Role.MEMBER;
    const held = await findLocked(em, Membership, { userId, scopeId: group.workspace_id });
    if (!held) {
      const granted = await grantMembership(em, actor, userId, scope, role, 'refuse', null, customRole);
      await markProvisioned(em, [granted.id]);
      continue;
    }
    const customRoleId = customRole?.id ?? null;
    if (!held.provisioned || (held.role === role && held.customRoleId === customRoleId)) continue;
    await updateMembershipRole(em, held, { role, updatedAt: actor.at, customRoleId });
    await recordAudit(em, actor, {
      action: AuditAction.MEMBER_ROLE_CHANGED,
      scope,
      subjectId: userId,
      fromRole: held.role,
      toRole: role,
      customRole: customRole?.name ?? null,
    });
  }
}

/**
 * A group's role changed: every membership it gave takes the new one, for each of its members who
 * is linked and active (those given by a person stay as they are). Inside the organization's lock
 * (`em`), on the directory's word (the scope's actor).
 */
export async function followGroupRole(scope: RequestScope, em: EntityManager, workspaceId: string): Promise<void> {
  const held = (await em.findBy(ScimGroupMember, { workspaceId })).map((m) => m.scimUserId);
  if (held.length === 0) return;
  const actor = auditActorOf(scope);
  for (const scim of await em.findBy(ScimUser, { id: In(held) })) {
    if (scim.userId && scim.active) await applyGroups(em, actor, scim, scim.userId);
  }
}

/**
 * A group's member leaves it: their provisioned workspace membership goes (one given by a person
 * stays). Inside the organization's lock (`em`), on the directory's word (the scope's actor).
 */
export async function leaveGroup(
  scope: RequestScope,
  em: EntityManager,
  scim: ScimUser,
  workspaceId: string,
): Promise<void> {
  await em.delete(ScimGroupMember, { workspaceId, scimUserId: scim.id });
  if (!scim.userId) return;
  const held = await findLocked(em, Membership, { userId: scim.userId, scopeId: workspaceId });
  if (held?.provisioned) await removeWithin(em, auditActorOf(scope), held, AuditAction.MEMBER_REMOVED);
}
