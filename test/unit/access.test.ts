import {
  accessAt,
  accessByBearing,
  bearingOn,
  mayGrantRole,
  sortedPermissions,
  type MembershipFact,
} from '../../permissions/access';
import { Permission as P, Role, ScopeKind } from '../../src/domain/enums';
import { type ScopeRef } from '../../src/domain/scope';

/** The moment every decision here is made at. */
const NOW = new Date('2026-12-01T12:00:00Z');

const ORG = 'org-1';
const WS = 'ws-1';
const OTHER_WS = 'ws-2';
const DOMAIN = 'dom-1';
const SIBLING_DOMAIN = 'dom-2';

const org: ScopeRef = { kind: ScopeKind.ORGANIZATION, organizationId: ORG };
const ws: ScopeRef = { kind: ScopeKind.WORKSPACE, organizationId: ORG, workspaceId: WS };
const otherWs: ScopeRef = { kind: ScopeKind.WORKSPACE, organizationId: ORG, workspaceId: OTHER_WS };
const dom: ScopeRef = { kind: ScopeKind.DOMAIN, organizationId: ORG, workspaceId: WS, domainId: DOMAIN };
const sibling: ScopeRef = { kind: ScopeKind.DOMAIN, organizationId: ORG, workspaceId: WS, domainId: SIBLING_DOMAIN };

const atOrg = (role: Role): MembershipFact => ({
  scope: ScopeKind.ORGANIZATION,
  role,
  organizationId: ORG,
  workspaceId: null,
  domainId: null,
});
const atWs = (role: Role): MembershipFact => ({
  scope: ScopeKind.WORKSPACE,
  role,
  organizationId: ORG,
  workspaceId: WS,
  domainId: null,
});
const atDomain = (role: Role): MembershipFact => ({
  scope: ScopeKind.DOMAIN,
  role,
  organizationId: ORG,
  workspaceId: WS,
  domainId: DOMAIN,
});

const perms = (scope: ScopeRef, memberships: MembershipFact[]) =>
  sortedPermissions(accessAt(scope, memberships, NOW).permissions);
const role = (scope: ScopeRef, memberships: MembershipFact[]) => accessAt(scope, memberships, NOW).role;

// Literal expectations from docs/domain-rules.md §2, cell by cell.
const ORG_ADMIN = [
  'READ',
  'UPDATE',
  'DELETE',
  'READ_MEMBERS',
  'INVITE_MEMBERS',
  'MANAGE_MEMBERS',
  'CREATE_WORKSPACE',
  'READ_BILLING',
  'UPDATE_BILLING',
  'READ_AUDIT_LOG',
  'MANAGE_WEBHOOKS',
  'MANAGE_PROVISIONING',
  'MANAGE_ROLES',
];
const ORG_ACCOUNTING = ['READ', 'READ_MEMBERS', 'READ_BILLING', 'UPDATE_BILLING'];
const READ_AND_MEMBERS = ['READ', 'READ_MEMBERS'];
const WS_ADMIN = [
  'READ',
  'UPDATE',
  'READ_MEMBERS',
  'INVITE_MEMBERS',
  'MANAGE_MEMBERS',
  'CREATE_DOMAIN',
  'READ_AUDIT_LOG',
];
const WS_ADMIN_VIA_ORG = [
  'READ',
  'UPDATE',
  'DELETE',
  'READ_MEMBERS',
  'INVITE_MEMBERS',
  'MANAGE_MEMBERS',
  'CREATE_DOMAIN',
  'READ_BILLING',
  'UPDATE_BILLING',
  'READ_AUDIT_LOG',
];
const DOMAIN_ADMIN = ['READ', 'UPDATE', 'DELETE', 'READ_MEMBERS', 'INVITE_MEMBERS', 'MANAGE_MEMBERS', 'READ_AUDIT_LOG'];

describe('permission table and inheritance (docs/domain-rules.md §2)', () => {
  it('gives nothing to someone without memberships (fails closed)', () => {
    for (const scope of [org, ws, dom]) {
      expect(perms(scope, [])).toEqual([]);
      expect(role(scope, [])).toBeNull();
    }
  });

  it('organization roles at organization scope', () => {
    expect(perms(org, [atOrg(Role.ADMIN)])).toEqual(ORG_ADMIN);
    expect(perms(org, [atOrg(Role.ACCOUNTING)])).toEqual(ORG_ACCOUNTING);
    expect(perms(org, [atOrg(Role.MEMBER)])).toEqual(READ_AND_MEMBERS);
  });

  it('organization ADMIN cascades to every workspace and domain, with the workspace extras', () => {
    expect(perms(ws, [atOrg(Role.ADMIN)])).toEqual(WS_ADMIN_VIA_ORG);
    expect(perms(otherWs, [atOrg(Role.ADMIN)])).toEqual(WS_ADMIN_VIA_ORG);
    expect(perms(dom, [atOrg(Role.ADMIN)])).toEqual(DOMAIN_ADMIN);
    expect(role(ws, [atOrg(Role.ADMIN)])).toBe(Role.ADMIN);
    expect(role(dom, [atOrg(Role.ADMIN)])).toBe(Role.ADMIN);
  });

  it('organization ACCOUNTING has billing on every workspace and nothing on domains', () => {
    expect(perms(ws, [atOrg(Role.ACCOUNTING)])).toEqual(['READ', 'READ_BILLING', 'UPDATE_BILLING']);
    expect(role(ws, [atOrg(Role.ACCOUNTING)])).toBe(Role.ACCOUNTING);
    expect(perms(dom, [atOrg(Role.ACCOUNTING)])).toEqual([]);
  });

  it('organization MEMBER passes nothing down', () => {
    expect(perms(ws, [atOrg(Role.MEMBER)])).toEqual([]);
    expect(perms(dom, [atOrg(Role.MEMBER)])).toEqual([]);
  });

  it('workspace ADMIN: no DELETE or billing of the workspace, ADMIN of its domains only', () => {
    const ms = [atOrg(Role.MEMBER), atWs(Role.ADMIN)];
    expect(perms(ws, ms)).toEqual(WS_ADMIN);
    expect(perms(otherWs, ms)).toEqual([]);
    expect(perms(dom, ms)).toEqual(DOMAIN_ADMIN);
    expect(perms(org, ms)).toEqual(READ_AND_MEMBERS);
  });

  it('workspace MEMBER reads the workspace and its domains', () => {
    const ms = [atOrg(Role.MEMBER), atWs(Role.MEMBER)];
    expect(perms(ws, ms)).toEqual(READ_AND_MEMBERS);
    expect(perms(dom, ms)).toEqual(READ_AND_MEMBERS);
    expect(role(dom, ms)).toBe(Role.MEMBER);
  });

  it('a bare domain member may READ the workspace and nothing else of it, and not sibling domains', () => {
    const ms = [atOrg(Role.MEMBER), atDomain(Role.MEMBER)];
    expect(perms(ws, ms)).toEqual(['READ']);
    expect(role(ws, ms)).toBeNull();
    expect(perms(dom, ms)).toEqual(READ_AND_MEMBERS);
    expect(perms(sibling, ms)).toEqual([]);
    expect(perms(otherWs, ms)).toEqual([]);
  });

  it('domain ADMIN', () => {
    expect(perms(dom, [atOrg(Role.MEMBER), atDomain(Role.ADMIN)])).toEqual(DOMAIN_ADMIN);
  });

  it('the strongest grant wins and grants add up (ACCOUNTING is not a rank)', () => {
    expect(perms(ws, [atOrg(Role.ACCOUNTING), atWs(Role.MEMBER)])).toEqual([
      'READ',
      'READ_MEMBERS',
      'READ_BILLING',
      'UPDATE_BILLING',
    ]);
    expect(perms(dom, [atOrg(Role.MEMBER), atWs(Role.MEMBER), atDomain(Role.ADMIN)])).toEqual(DOMAIN_ADMIN);
    expect(role(dom, [atOrg(Role.MEMBER), atWs(Role.ADMIN), atDomain(Role.MEMBER)])).toBe(Role.ADMIN);
  });

  it('ignores memberships of other organizations', () => {
    const foreign: MembershipFact = { ...atOrg(Role.ADMIN), organizationId: 'org-2' };
    expect(perms(org, [foreign])).toEqual([]);
    expect(perms(ws, [foreign])).toEqual([]);
  });

  describe('who may grant what', () => {
    it('organization ADMIN grants every role at every scope that accepts it', () => {
      const admin = [atOrg(Role.ADMIN)];
      expect(mayGrantRole(ScopeKind.ORGANIZATION, Role.ADMIN, accessAt(org, admin, NOW))).toBe(true);
      expect(mayGrantRole(ScopeKind.ORGANIZATION, Role.ACCOUNTING, accessAt(org, admin, NOW))).toBe(true);
      expect(mayGrantRole(ScopeKind.WORKSPACE, Role.ADMIN, accessAt(ws, admin, NOW))).toBe(true);
      expect(mayGrantRole(ScopeKind.DOMAIN, Role.ADMIN, accessAt(dom, admin, NOW))).toBe(true);
    });

    it('ACCOUNTING is never granted below organization scope', () => {
      expect(mayGrantRole(ScopeKind.WORKSPACE, Role.ACCOUNTING, accessAt(ws, [atOrg(Role.ADMIN)], NOW))).toBe(false);
      expect(mayGrantRole(ScopeKind.DOMAIN, Role.ACCOUNTING, accessAt(dom, [atOrg(Role.ADMIN)], NOW))).toBe(false);
    });

    it('nobody grants above their own effective role', () => {
      const accounting = accessAt(org, [atOrg(Role.ACCOUNTING)], NOW);
      expect(mayGrantRole(ScopeKind.ORGANIZATION, Role.ADMIN, accounting)).toBe(false);
      const member = accessAt(org, [atOrg(Role.MEMBER)], NOW);
      expect(mayGrantRole(ScopeKind.ORGANIZATION, Role.ACCOUNTING, member)).toBe(false);
      const wsMember = accessAt(ws, [atOrg(Role.MEMBER), atWs(Role.MEMBER)], NOW);
      expect(mayGrantRole(ScopeKind.WORKSPACE, Role.ADMIN, wsMember)).toBe(false);
    });
  });

  it('lists permissions in the enum order, as viewerPermissions does', () => {
    expect(sortedPermissions(new Set([P.UPDATE_BILLING, P.READ, P.DELETE]))).toEqual([
      'READ',
      'DELETE',
      'UPDATE_BILLING',
    ]);
  });
});

describe('time-limited memberships', () => {
  const until = (ms: number) => new Date(NOW.getTime() + ms);
  it('grant everything up to their expiry and nothing from it on, judged at the moment given', () => {
    const admin = [{ ...atOrg(Role.ADMIN), expiresAt: until(1000) }];
    expect(role(org, admin)).toBe(Role.ADMIN);
    expect(accessAt(org, admin, until(999)).role).toBe(Role.ADMIN);
    expect(accessAt(org, admin, until(1000)).role).toBeNull();
    expect(accessAt(ws, admin, until(1000)).permissions.size).toBe(0);
  });

  it('say until when each permission lasts: the latest of the memberships that give it', () => {
    const held = [
      { ...atOrg(Role.ADMIN), expiresAt: until(1000) },
      { ...atWs(Role.MEMBER), expiresAt: until(5000) },
    ];
    const access = accessAt(ws, held, NOW);
    expect(access.until.get(P.MANAGE_MEMBERS)).toEqual(until(1000));
    expect(access.until.get(P.READ)).toEqual(until(5000));
    // A lasting membership that gives it: it lasts.
    expect(accessAt(ws, [held[0], atWs(Role.MEMBER)], NOW).until.get(P.READ)).toBeNull();
  });
});

describe('one decision per kind of scope and bearing memberships (accessByBearing)', () => {
  const scopes = [org, ws, otherWs, dom, sibling];
  const expiring = (m: MembershipFact, at: string): MembershipFact => ({ ...m, expiresAt: new Date(at) });
  const withIds = (memberships: MembershipFact[]) => memberships.map((m, i) => ({ ...m, id: `m${i}` }));
  const combinations: MembershipFact[][] = [
    [],
    [atOrg(Role.ADMIN)],
    [atOrg(Role.ACCOUNTING), atDomain(Role.MEMBER)],
    [atOrg(Role.MEMBER), atWs(Role.ADMIN)],
    [atWs(Role.MEMBER), expiring(atDomain(Role.ADMIN), '2026-12-02T00:00:00Z')],
    [expiring(atOrg(Role.ADMIN), '2026-11-30T00:00:00Z'), atDomain(Role.ADMIN)],
    [{ ...atOrg(Role.ADMIN), organizationId: 'org-2' }, atDomain(Role.MEMBER)],
  ];

  it('decides every scope exactly as accessAt does', () => {
    for (const memberships of combinations) {
      const decide = accessByBearing(NOW);
      for (const scope of scopes) {
        const remembered = decide(scope, withIds(memberships));
        const fresh = accessAt(scope, memberships, NOW);
        expect({
          ...remembered,
          permissions: [...remembered.permissions],
          customKeys: [...remembered.customKeys],
        }).toEqual({ ...fresh, permissions: [...fresh.permissions], customKeys: [...fresh.customKeys] });
      }
    }
  });

  it('answers two scopes of one kind with the same memberships bearing on them with one decision', () => {
    const decide = accessByBearing(NOW);
    const admin = withIds([atOrg(Role.ADMIN)]);
    expect(decide(ws, admin)).toBe(decide(otherWs, admin));
    expect(decide(dom, admin)).toBe(decide(sibling, admin));
    // A membership held at one of them makes that one a decision of its own.
    const more = withIds([atOrg(Role.ACCOUNTING), atDomain(Role.ADMIN)]);
    expect(decide(dom, more)).not.toBe(decide(sibling, more));
    expect(bearingOn(sibling, more).map((m) => m.id)).toEqual(['m0']);
    expect(bearingOn(ws, more).map((m) => m.id)).toEqual(['m0', 'm1']);
  });
});
