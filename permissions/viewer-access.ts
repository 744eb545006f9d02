import type { Membership } from '../entities/membership.entity';
import { rowIsIn, type ScopeRef, scopeId, scopeOfRow } from '../src/domain/scope';
import type { Loaders } from '../src/loaders';
import { accessByBearing, type Access, isInForce } from './access';
import { type EnrollmentMode, type Permission, ScopeKind } from '../src/domain/enums';
import { PermissionTable } from './table';
import { NO_SIGN_IN, type SignInFact, type SignInStanding, signInStanding } from './sign-in';
import { type AppError, SignInPolicyError } from '../src/domain/errors';

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
  /** How they signed in (their token's `amr` and connection claims), for sign-in policies (docs/domain-rules.md §20). */
  signIn?: SignInFact;
}

/** Told when a break-glass member acts in an organization without satisfying its sign-in policy. */
export type BypassListener = (organizationId: string, organizationMembershipId: string) => void;

const OK: SignInStanding = Object.freeze({ kind: 'ok' });

/**
 * The caller's access, computed from their memberships (loaded once per request through the
 * loader) with the pure table of `permissions/access.ts`, and memoised per scope for the request.
 */
export class ViewerAccess {
  private readonly memo = new Map<string, Promise<Access>>();
  /** The accesses of `memo` once decided: what a field may read without waiting (see {@link accessNow}). */
  private readonly decided = new Map<string, Access>();
  /** People known to share an organization with the viewer (seen in a members list the viewer may read). */
  private readonly coMembers = new Set<string>();
  /** People named by events of an audit log the viewer may read (its actors and subjects). */
  private readonly namedInReadableLogs = new Set<string>();
  /** People known through a request to join (see {@link noteKnownThroughRequests}). */
  private readonly knownThroughRequests = new Set<string>();

  private readonly viewerId: string | null;
  private inForce: Promise<Membership[]> | null = null;
  /** What `inForce` resolved to, once it has: decisions without a promise (see {@link accessNow}). */
  private inForceNow: Membership[] | null = null;
  private readonly standings = new Map<string, Promise<SignInStanding>>();
  /** The standings of `standings` once decided. */
  private readonly standingsNow = new Map<string, SignInStanding>();
  /** Accesses remembered by the memberships they are decided from: one per kind for an organization ADMIN. */
  private byBearing: ReturnType<typeof accessByBearing<Membership>>;

  constructor(
    private readonly viewer: AccessViewer | null,
    private readonly loaders: Loaders,
    /** The moment the request decides at: a membership past its expiry grants nothing from then on. */
    private readonly now: Date,
    /** The permission table the keys come from (built-in rows only unless the supergraph declares more). */
    private readonly table: PermissionTable = PermissionTable.of(),
    /** Where a break-glass bypass is reported (once per organization and request); none in unit tests. */
    private readonly onBypass: BypassListener | null = null,
  ) {
    this.viewerId = viewer?.id ?? null;
    this.byBearing = accessByBearing<Membership>(now);
  }

  /** The viewer's memberships in force (an expired one counts for nothing), or none for an anonymous caller. */
  memberships(): Promise<Membership[]> {
    if (!this.viewerId) return Promise.resolve([]);
    // Filtered once per request (every permission decision reads these), not on each call.
    if (!this.inForce) {
      const loading: Promise<Membership[]> = this.loaders.membershipsByUser.load(this.viewerId).then((all) => {
        const held = all.filter((m) => isInForce(m, this.now));
        if (this.inForce === loading) this.inForceNow = held;
        return held;
      });
      this.inForce = loading;
    }
    return this.inForce;
  }

  /** The memberships in force that grant anything: none in an organization whose sign-in policy blocks the viewer. */
  async grantingMemberships(): Promise<Membership[]> {
    const held = await this.memberships();
    const blocked = new Set<string>();
    for (const id of new Set(held.map((m) => m.organizationId))) {
      if ((await this.signInStandingIn(id)).kind === 'blocked') blocked.add(id);
    }
    return held.filter((m) => !blocked.has(m.organizationId));
  }

  /**
   * The viewer's access at a scope. In an organization whose sign-in policy their sign-in does not
   * satisfy (and who are not break-glass there), their memberships grant nothing: see
   * {@link signInStandingIn}; {@link heldAt} tells what they would have.
   */
  at(scope: ScopeRef): Promise<Access> {
    if (!this.viewerId) return Promise.resolve(NO_ACCESS);
    const known = this.accessNow(scope);
    if (known) return Promise.resolve(known);
    const key = `${scope.kind}:${scopeId(scope)}`;
    let access = this.memo.get(key);
    if (!access) {
      const memo = this.memo;
      access = this.signInStandingIn(scope.organizationId)
        .then((standing) => (standing.kind === 'blocked' ? NO_ACCESS : this.heldAt(scope)))
        .then((decided) => {
          // Only if it is still this request's answer (a write of the viewer's may have cleared it).
          if (memo.get(key) === access) this.decided.set(key, decided);
          return decided;
        });
      this.memo.set(key, access);
    }
    return access;
  }

  /**
   * The viewer's access at a scope when it can be known without a read: decided already in this
   * request, or decidable now because the viewer's memberships and their sign-in standing in the
   * scope's organization are in hand. Else undefined. The same answer as {@link at}, without a
   * promise — a tree's hundreds of fields and lists read it synchronously.
   */
  accessNow(scope: ScopeRef): Access | undefined {
    if (!this.viewerId) return NO_ACCESS;
    const key = `${scope.kind}:${scopeId(scope)}`;
    const decided = this.decided.get(key);
    if (decided || !this.inForceNow) return decided;
    const standing = this.standingsNow.get(scope.organizationId);
    if (!standing) return undefined;
    const access = standing.kind === 'blocked' ? NO_ACCESS : this.byBearing(scope, this.inForceNow);
    this.decided.set(key, access);
    return access;
  }

  /** Whether the viewer has `permission` at the scope, when {@link accessNow} knows; else undefined. */
  allowsNow(scope: ScopeRef, permission: Permission): boolean | undefined {
    return this.accessNow(scope)?.permissions.has(permission);
  }

  /**
   * Whether the viewer is known, without a read, to see a person's email and name: themself,
   * someone listed with them in a members list they may read, or named by a log or a request of
   * theirs (what {@link knowsPerson} answers first). False means "not known yet", not "no".
   */
  knowsPersonAlready(userId: string): boolean {
    return (
      this.viewerId === userId ||
      this.coMembers.has(userId) ||
      this.namedInReadableLogs.has(userId) ||
      this.knownThroughRequests.has(userId)
    );
  }

  /** What the viewer's memberships give at a scope, whatever the organization's sign-in policy says. */
  heldAt(scope: ScopeRef): Promise<Access> {
    if (!this.viewerId) return Promise.resolve(NO_ACCESS);
    return this.memberships().then((memberships) => this.byBearing(scope, memberships));
  }

  /**
   * Where the viewer stands under the sign-in policy of an organization (docs/domain-rules.md §20):
   * `ok` where they hold no membership in force, where there is no policy or their sign-in satisfies
   * it; `bypassed` for a break-glass member who does not satisfy it (reported to `onBypass` once
   * per request); `blocked` otherwise. The policy comes with the memberships (their organizations
   * are read in the same statement): no statement of its own.
   */
  signInStandingIn(organizationId: string): Promise<SignInStanding> {
    if (!this.viewerId) return Promise.resolve(OK);
    let standing = this.standings.get(organizationId);
    if (!standing) {
      const deciding: Promise<SignInStanding> = this.decideStanding(organizationId).then((decided) => {
        if (this.standings.get(organizationId) === deciding) this.standingsNow.set(organizationId, decided);
        return decided;
      });
      this.standings.set(organizationId, (standing = deciding));
    }
    return standing;
  }

  private async decideStanding(organizationId: string): Promise<SignInStanding> {
    const held = (await this.memberships()).filter((m) => m.organizationId === organizationId);
    if (held.length === 0) return OK;
    const organization = await this.loaders.organization.load(organizationId);
    if (!organization) return OK;
    const own = held.find((m) => m.scope === ScopeKind.ORGANIZATION)?.id ?? null;
    const standing = signInStanding(organization.signInPolicy(), this.viewer?.signIn ?? NO_SIGN_IN, own);
    if (standing.kind === 'bypassed' && own) this.onBypass?.(organizationId, own);
    return standing;
  }

  /** SIGN_IN_POLICY for an organization where the viewer is blocked, else null. */
  async signInRefusal(organizationId: string): Promise<SignInPolicyError | null> {
    const standing = await this.signInStandingIn(organizationId);
    if (standing.kind !== 'blocked') return null;
    const organization = await this.loaders.organization.load(organizationId);
    return new SignInPolicyError(organizationId, standing.missing, organization?.ssoConnection ?? null);
  }

  /**
   * The refusal for a caller who lacks `permission` at a scope: SIGN_IN_POLICY when only the sign-in
   * policy stands in the way (their memberships would give it), else `otherwise` (FORBIDDEN,
   * NOT_FOUND): a blocked member learns nothing their memberships would not show them.
   */
  async refusal(scope: ScopeRef, permission: Permission, otherwise: AppError): Promise<AppError> {
    const refusal = await this.signInRefusal(scope.organizationId);
    if (refusal && (await this.heldAt(scope)).permissions.has(permission)) return refusal;
    return otherwise;
  }

  /** Every permission key the viewer holds at the scope, built-in and declared (docs/domain-rules.md §18), in the table's order. */
  async keysAt(scope: ScopeRef): Promise<string[]> {
    const access = await this.at(scope);
    return this.table.sorted(this.table.keysOf(scope.kind, access.grants, access.customKeys));
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
    if ((await this.signInStandingIn(organizationId)).kind === 'blocked') return false;
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
   * Organizations the viewer may join, or ask to join, by their verified address (a verified
   * AUTO_JOIN or REQUEST domain of theirs matches it exactly: `mail.acme.com` is not `acme.com`)
   * and is not a member of yet, each with how they get in (docs/domain-rules.md §13, §20).
   */
  async joinModes(): Promise<Map<string, EnrollmentMode>> {
    const email = this.viewer?.verifiedEmail;
    if (!email || !email.includes('@')) return new Map();
    const [open, mine] = await Promise.all([
      this.loaders.joinableByDomain.load(email.slice(email.lastIndexOf('@') + 1)),
      this.memberships(),
    ]);
    const member = new Set(mine.filter((m) => m.scope === ScopeKind.ORGANIZATION).map((m) => m.organizationId));
    return new Map(open.filter((o) => !member.has(o.organizationId)).map((o) => [o.organizationId, o.enrollment]));
  }

  async joinableOrganizationIds(): Promise<string[]> {
    return [...(await this.joinModes()).keys()];
  }

  /** How the viewer may get into an organization they are not in: AUTO_JOIN, REQUEST, or null. */
  async joinModeIn(organizationId: string): Promise<EnrollmentMode | null> {
    return (await this.joinModes()).get(organizationId) ?? null;
  }

  /** Whether the viewer has asked to join the scope (a request of theirs into it, whatever became of it). */
  async hasAskedToJoin(scope: ScopeRef): Promise<boolean> {
    if (!this.viewerId) return false;
    const mine = await this.loaders.accessRequestsByRequester.load(this.viewerId);
    return mine.some((request) => request.scopeId === scopeId(scope));
  }

  /**
   * Records people the viewer may know by name and address because of a request to join: those who
   * asked to join a scope the viewer decides on, and whoever decided the viewer's own requests
   * (docs/domain-rules.md §20), as an invitee knows who invites them.
   */
  noteKnownThroughRequests(userIds: Iterable<string | null>): void {
    for (const id of userIds) if (id) this.knownThroughRequests.add(id);
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
    // An organization whose sign-in policy blocks the viewer shows them nobody of it.
    const organizations = new Set<string>();
    for (const id of new Set(mine.map((m) => m.organizationId))) {
      if ((await this.signInStandingIn(id)).kind !== 'blocked') organizations.add(id);
    }
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
    return (
      this.namedInReadableLogs.has(userId) ||
      this.knownThroughRequests.has(userId) ||
      this.sharesOrganizationWith(userId)
    );
  }

  /** After a write that changes the viewer's memberships, later reads must see it. */
  invalidate(): void {
    this.memo.clear();
    this.decided.clear();
    this.standings.clear();
    this.standingsNow.clear();
    this.inForce = null;
    this.inForceNow = null;
    this.byBearing = accessByBearing<Membership>(this.now);
    this.coMembers.clear();
    this.namedInReadableLogs.clear();
    this.knownThroughRequests.clear();
    if (this.viewerId) {
      this.loaders.membershipsByUser.clear(this.viewerId);
      this.loaders.accessRequestsByRequester.clear(this.viewerId);
    }
  }
}
