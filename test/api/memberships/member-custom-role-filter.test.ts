import { randomUUID } from 'node:crypto';
import { withOrganizationLock } from '../../../src/db/transaction';
import { Role, ScopeKind } from '../../../src/domain/enums';
import type { ScopeRef } from '../../../src/domain/scope';
import { systemActor } from '../../../src/services/audit/audit.service';
import { grantMembership } from '../../../src/services/memberships/membership-grants';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import { createOrganization, createWorkspace, signIn } from '../../support/factories';
import type { Harness, Person } from '../../support/harness';

/**
 * The members lists filter by custom role (docs/domain-rules.md §3, §18): `customRoleId` beside
 * `role`, with totals, cursors, search and many scopes at once; another organization's role id, or
 * an id of no role, matches nobody and tells nothing.
 */

const CREATE_ROLE = `mutation($input: CreateCustomRoleInput!) { createCustomRole(input: $input) { id } }`;
const ORG_MEMBERS = `query($id: ID!, $c: ID, $role: Role, $q: String, $first: Int, $after: String) {
  organization(id: $id) { members(customRoleId: $c, role: $role, query: $q, first: $first, after: $after) {
    totalCount nodes { user { email } customRole { id } } pageInfo { hasNextPage endCursor } } } }`;
const WORKSPACES = `query($id: ID!, $c: ID) { organization(id: $id) { workspaces { id
  members(customRoleId: $c, first: 10) { totalCount nodes { user { email } } } } } }`;

describeOnEachDatabase('members filtered by custom role', (kind) => {
  const h: Harness = useHarness(kind);

  async function organizationWithRoles(label: string) {
    const admin = await h.person(`${label}admin`);
    const organization = await createOrganization(h, admin, `${label} Inc`);
    const role = async (name: string, baseRole: Role, scope: ScopeKind) => {
      const keys = scope === ScopeKind.ORGANIZATION ? ['READ_AUDIT_LOG'] : ['INVITE_MEMBERS'];
      const made = await h.run(
        CREATE_ROLE,
        { input: { organizationId: organization.id, name, baseRole, grants: [{ scope, keys }] } },
        admin,
      );
      expect(made.errors).toBeUndefined();
      return (made.data as any).createCustomRole.id as string;
    };
    /** Someone new holding `role` (and the custom role, if any) at `scope`, through the membership writer. */
    const member = async (name: string, scope: ScopeRef, role = Role.MEMBER, customRoleId: string | null = null) => {
      const person: Person = await h.person(name);
      await signIn(h, person);
      await withOrganizationLock(
        h.database.db,
        organization.id,
        (em) =>
          grantMembership(
            em,
            systemActor(h.config.clock.now()),
            person.sub,
            scope,
            role,
            'refuse',
            null,
            customRoleId ? { id: customRoleId, name } : null,
          ),
        () => new Error('no organization'),
      );
      return person.email;
    };
    const list = async (variables: Record<string, unknown>) => {
      const result = await h.run(ORG_MEMBERS, { id: organization.id, first: 100, ...variables }, admin);
      expect(result.errors).toBeUndefined();
      const members = (result.data as any).organization.members;
      return { ...members, emails: (members.nodes as any[]).map((n) => n.user.email).sort() };
    };
    const top: ScopeRef = { kind: ScopeKind.ORGANIZATION, organizationId: organization.id };
    return { admin, organization, role, member, list, top };
  }

  it('lists the holders of a custom role, with role, search, totals and cursors', async () => {
    const org = await organizationWithRoles('filter');
    const auditor = await org.role('Auditor', Role.MEMBER, ScopeKind.ORGANIZATION);
    const billing = await org.role('Billing', Role.ACCOUNTING, ScopeKind.ORGANIZATION);
    const auditors = [
      await org.member('audit-ann', org.top, Role.MEMBER, auditor),
      await org.member('audit-bob', org.top, Role.MEMBER, auditor),
      await org.member('audit-cid', org.top, Role.MEMBER, auditor),
    ].sort();
    const biller = await org.member('bill-dee', org.top, Role.ACCOUNTING, billing);
    await org.member('plain-eve', org.top);
    await org.member('count-fay', org.top, Role.ACCOUNTING);

    const all = await org.list({ c: auditor });
    expect([all.emails, all.totalCount]).toEqual([auditors, 3]);
    expect(all.nodes.every((n: any) => n.customRole.id === auditor)).toBe(true);
    expect((await org.list({ c: billing })).emails).toEqual([biller]);
    // With the built-in role: both must match.
    expect((await org.list({ c: auditor, role: 'MEMBER' })).totalCount).toBe(3);
    expect(await org.list({ c: auditor, role: 'ACCOUNTING' })).toMatchObject({ emails: [], totalCount: 0 });
    expect((await org.list({ role: 'ACCOUNTING' })).totalCount).toBe(2);
    // With a search.
    const searched = await org.list({ c: auditor, q: 'audit-bob' });
    expect([searched.emails, searched.totalCount]).toEqual([[auditors[1]], 1]);
    expect((await org.list({ c: billing, q: 'audit' })).totalCount).toBe(0);
    // Cursors walk the holders only, without a gap.
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const next: any = await org.list({ c: auditor, first: 2, after });
      seen.push(...next.emails);
      expect(next.totalCount).toBe(3);
      after = next.pageInfo.endCursor;
      if (!next.pageInfo.hasNextPage) break;
    }
    expect(seen.sort()).toEqual(auditors);
  });

  it("finds nobody for another organization's custom role id, or an id of no role, and says so by nothing", async () => {
    const ours = await organizationWithRoles('ours');
    const theirs = await organizationWithRoles('theirs');
    const theirRole = await theirs.role('Their auditor', Role.MEMBER, ScopeKind.ORGANIZATION);
    const theirHolder = await theirs.member('their-holder', theirs.top, Role.MEMBER, theirRole);
    await ours.member('our-member', ours.top);
    const nobody = { emails: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } };
    for (const c of [theirRole, randomUUID(), 'not-an-id']) {
      expect(await ours.list({ c })).toMatchObject(nobody);
      expect(await ours.list({ c, q: 'their' })).toMatchObject(nobody);
    }
    // Their own list finds their holder: the id is real, only not ours.
    expect((await theirs.list({ c: theirRole })).emails).toEqual([theirHolder]);
    // Their id on our workspaces, many at once: nobody either.
    const workspace = await createWorkspace(h, ours.admin, ours.organization.id, 'Desk');
    await ours.member('desk-one', { ...ours.top, kind: ScopeKind.WORKSPACE, workspaceId: workspace.id });
    const answer = await h.run(WORKSPACES, { id: ours.organization.id, c: theirRole }, ours.admin);
    expect((answer.data as any).organization.workspaces[0].members).toEqual({ totalCount: 0, nodes: [] });
  });

  it('filters many workspaces of one request at once, each with its own total', async () => {
    const org = await organizationWithRoles('many');
    const support = await org.role('Support', Role.MEMBER, ScopeKind.WORKSPACE);
    const expected = new Map<string, string[]>();
    // Ten workspaces: past the count where the planner gives each its own branch.
    for (let i = 0; i < 10; i++) {
      const workspace = await createWorkspace(h, org.admin, org.organization.id, `Desk ${i}`);
      const scope: ScopeRef = {
        kind: ScopeKind.WORKSPACE,
        organizationId: org.organization.id,
        workspaceId: workspace.id,
      };
      const holders: string[] = [];
      for (let j = 0; j < i % 3; j++)
        holders.push(await org.member(`desk${i}-holder${j}`, scope, Role.MEMBER, support));
      await org.member(`desk${i}-plain`, scope);
      expected.set(workspace.id, holders.sort());
    }
    const answer = await h.run(WORKSPACES, { id: org.organization.id, c: support }, org.admin);
    expect(answer.errors).toBeUndefined();
    const got = new Map(
      (answer.data as any).organization.workspaces.map((w: any) => [
        w.id,
        { total: w.members.totalCount, emails: w.members.nodes.map((n: any) => n.user.email).sort() },
      ]),
    );
    expect(got.size).toBe(10);
    for (const [id, holders] of expected) expect(got.get(id)).toEqual({ total: holders.length, emails: holders });
  });
});
