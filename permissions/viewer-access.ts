import type { Membership } from '../entities/membership.entity';
import { rowIsIn, type ScopeRef, scopeId, scopeOfRow } from '../src/domain/scope';
import type { Loaders } from '../src/loaders';
import { accessAt, type Access, isInForce } from './access';
import { type Permission, ScopeKind } from '../src/domain/enums';
import { PermissionTable } from './table';

const NO_ACCESS: Access = Object.freeze({
  role: null,
  grants: [],
  permissions: new Set(),
  until: new Map(),
  customKeys: new Set(),
}) as Access;

/** Who is asking, as far as access needs to know. */
export interface AccessViewer {
  id: string;
  /** The verified email, or null: only a verified address opens its invitations. */
  verifiedEmail: string | null;
}

/**
 * The caller's access, computed from their memberships (loaded once per request through the
 * loader) with the pure table of `permissions/access.ts`, and memoised per scope for the request.
 */
export class ViewerAccess {
  private readonly memo = new Map<string, Promise<Access>>();
  /** People known to share an organization with the viewer (seen in a members list the viewer may read). */
  private readonly coMembers = new Set<string>();
  /** People named by events of an audit log the viewer may read (its actors and subjects). */
  private readonly namedInReadableLogs = new Set<string>();

  private readonly viewerId: string | null;
  private inForce: Promise<Membership[]> | null = null;

  constructor(
    private readonly viewer: AccessViewer | null,
    private readonly loaders: Loaders,
    /** The moment the request decides at: a membership past its expiry grants nothing from then on. */
    private readonly now: Date,
    /** The permission table the keys come from (built-in rows only unless the supergraph declares more). */
    private readonly table: PermissionTable = PermissionTable.of(),
  ) {
    this.viewerId = viewer?.id ?? null;
  }

  /** The viewer's memberships in force (an expired one counts for nothing), or none for an anonymous caller. */
  memberships(): Promise<Membership[]> {
    if (!this.viewerId) return Promise.resolve([]);
    // Filtered once per request (every permission decision reads these), not on each call.
    this.inForce ??= this.loaders.membershipsByUser
      .load(this.viewerId)
      .then((all) => all.filter((m) => isInForce(m, this.now)));
    return this.inForce;
  }

  at(scope: ScopeRef): Promise<Access> {
    if (!this.viewerId) return Promise.resolve(NO_ACCESS);
    const key = `${scope.kind}:${scopeId(scope)}`;
    let access = this.memo.get(key);
    if (!access) {
      access = this.memberships().then((memberships) => accessAt(scope, memberships, this.now));
      this.memo.set(key, access);
    }
    return access;
  }

  /** Every permission key the viewer holds at the scope, built-in and declared (docs/domain-rules.md §18), in the table's order. */
  async keysAt(scope: ScopeRef): Promise<string[]> {
    const access = await this.at(scope);
    const keys = this.table.keysFor(scope.kind, access.grants);
    for (const key of access.customKeys) if (this.table.knows(key)) keys.add(key);
    return this.table.sorted(keys);
  }

  /** Whether the viewer has `permission` at the scope. */
  async allows(scope: ScopeRef, permission: Permission): Promise<boolean> {
    return (await this.at(scope)).permissions.has(permission);
  }

  /**
   * Whether the viewer has `permission` at the organization or at any scope of it where they hold
   * a membership (a workspace ADMIN invites in their workspace, say).
   */
  async allowsAnywhereIn(organizationId: string, permission: Permission): Promise<boolean> {
    const held = (await this.memberships()).filter((m) => m.organizationId === organizationId);
    for (const m of held) if (await this.allows(scopeOfRow(m), permission)) return true;
    return false;
  }

  /** The PENDING, unexpired invitations addressed to the viewer's verified email. */
  async pendingInvitations() {
    if (!this.viewer?.verifiedEmail) return [];
    return this.loaders.pendingInvitationsByEmail.load(this.viewer.verifiedEmail);
  }

  /** Whether the viewer holds a PENDING invitation into the scope (or below it, for an organization). */
  async isInvitedTo(scope: ScopeRef): Promise<boolean> {
    return (await this.pendingInvitations()).some((invitation) => rowIsIn(invitation, scope));
  }

  /**
   * Organizations the viewer may join by their verified address (a verified AUTO_JOIN domain of
   * theirs matches it exactly: `mail.acme.com` is not `acme.com`) and is not a member of yet.
   */
  async joinableOrganizationIds(): Promise<string[]> {
    const email = this.viewer?.verifiedEmail;
    if (!email || !email.includes('@')) return [];
    const [open, mine] = await Promise.all([
      this.loaders.autoJoinOrganizations.load(email.slice(email.lastIndexOf('@') + 1)),
      this.memberships(),
    ]);
    const member = new Set(mine.filter((m) => m.scope === ScopeKind.ORGANIZATION).map((m) => m.organizationId));
    return open.filter((id) => !member.has(id));
  }

  /** Whether the viewer holds a PENDING invitation sent by this user. */
  async wasInvitedBy(userId: string): Promise<boolean> {
    return (await this.pendingInvitations()).some((invitation) => invitation.invitedById === userId);
  }

  /** Whether the viewer may see a user's email and name: themself, or someone sharing an organization. */
  async sharesOrganizationWith(userId: string): Promise<boolean> {
    if (!this.viewerId) return false;
    if (this.viewerId === userId || this.coMembers.has(userId)) return true;
    const [mine, theirs] = await Promise.all([this.memberships(), this.loaders.membershipsByUser.load(userId)]);
    const organizations = new Set(mine.map((m) => m.organizationId));
    return theirs.some((m) => isInForce(m, this.now) && organizations.has(m.organizationId));
  }

  /**
   * Records people listed as members of a scope whose members the viewer may read. Every member
   * of a scope is a member of its organization, and so is the viewer: they share it.
   */
  noteCoMembers(userIds: Iterable<string>): void {
    for (const id of userIds) this.coMembers.add(id);
  }

  /**
   * Records the people that events of a log the viewer may read name, as actor or subject. The
   * readers of a log see who did what to whom, also after those people have left.
   */
  noteNamedInLog(userIds: Iterable<string | null>): void {
    for (const id of userIds) if (id) this.namedInReadableLogs.add(id);
  }

  /**
   * Whether the viewer may see a person's email and name: themself, someone sharing an
   * organization with them, or someone named by a log they read.
   */
  async knowsPerson(userId: string): Promise<boolean> {
    return this.namedInReadableLogs.has(userId) || this.sharesOrganizationWith(userId);
  }

  /** After a write that changes the viewer's memberships, later reads must see it. */
  invalidate(): void {
    this.memo.clear();
    this.inForce = null;
    this.coMembers.clear();
    this.namedInReadableLogs.clear();
    if (this.viewerId) this.loaders.membershipsByUser.clear(this.viewerId);
  }
}
