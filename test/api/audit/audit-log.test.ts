import type { DataSource } from 'typeorm';
import { AuditEvent } from '../../../entities/audit-event.entity';
import {
  AcceptInvitationDocument,
  ChangeMemberRoleDocument,
  CreateDomainDocument,
  CreateOrganizationDocument,
  CreateWorkspaceDocument,
  DeclineInvitationDocument,
  DeleteDomainDocument,
  DeleteWorkspaceDocument,
  InviteMemberDocument,
  LeaveOrganizationDocument,
  RemoveMemberDocument,
  ResendInvitationDocument,
  RevokeInvitationDocument,
  UpdateBillingProfileDocument,
  UpdateDomainDocument,
  UpdateOrganizationDocument,
  UpdateWorkspaceDocument,
} from '../../generated/graphql';
import { addMember, createWorld, invite, queuedToken, type World } from '../../support/factories';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { toSqlDateTime } from '../../../src/db/sql';
import { errorCodes, type Harness, type Person } from '../../support/harness';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';

const EVENT_FIELDS = `action occurredAt scope organizationId workspaceId domainId email fromRole toRole requestId
  actor { id } subject { id }`;
const LOG = (
  type: 'organization' | 'workspace' | 'domain',
) => `query($id: ID!, $first: Int, $after: String, $filter: AuditLogFilter) {
  ${type}(id: $id) { auditLog(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id ${EVENT_FIELDS} } } pageInfo { hasNextPage endCursor } } } }`;

type Row = {
  action: string;
  actor: string | null;
  scope: string;
  subject: string | null;
  email: string | null;
  from: string | null;
  to: string | null;
};

/** docs/domain-rules.md §12: every change writes its event in its own transaction; the log reads it back. */
describeOnEachDatabase('the audit log', (kind) => {
  const h = useHarness(kind);

  async function read(type: 'organization' | 'workspace' | 'domain', id: string, who: Person, variables = {}) {
    const result = await h.run(LOG(type) as never, { id, first: 100, ...variables }, who);
    return { result, log: (result.data as any)?.[type]?.auditLog };
  }
  const row = (e: any): Row => ({
    action: e.action,
    actor: e.actor?.id ?? null,
    scope: e.scope,
    subject: e.subject?.id ?? null,
    email: e.email,
    from: e.fromRole,
    to: e.toRole,
  });

  it('records every change of a whole lifecycle, with actor, subject, roles and request id', async () => {
    const [admin, invitee, decliner, revokee, leaver] = await Promise.all(
      ['admin', 'invitee', 'decliner', 'revokee', 'leaver'].map((label) => h.person(label)),
    );
    const ok = async <T>(result: Promise<{ data?: T; errors?: readonly unknown[] }>): Promise<NonNullable<T>> => {
      const done = await result;
      expect(done.errors).toBeUndefined();
      return done.data as NonNullable<T>;
    };
    const org = (await ok(h.run(CreateOrganizationDocument, { input: { name: 'Audited' } }, admin))).createOrganization;
    const ws = (await ok(h.run(CreateWorkspaceDocument, { input: { organizationId: org.id, name: 'W' } }, admin)))
      .createWorkspace;
    const dom = (
      await ok(h.run(CreateDomainDocument, { input: { workspaceId: ws.id, hostname: 'a.example.com' } }, admin))
    ).createDomain;
    await ok(h.run(UpdateOrganizationDocument, { id: org.id, input: { name: 'Audited 2' } }, admin));
    await ok(h.run(UpdateWorkspaceDocument, { id: ws.id, input: { name: 'W2' } }, admin));
    await ok(h.run(UpdateDomainDocument, { id: dom.id, input: { hostname: 'b.example.com' } }, admin));
    const invited = await invite(h, admin, { workspaceId: ws.id }, invitee.email, 'ADMIN');
    await ok(h.run(ResendInvitationDocument, { id: invited.invitation.id }, admin));
    await ok(
      h.run(AcceptInvitationDocument, { input: { token: await queuedToken(h, invited.invitation.id) } }, invitee),
    );
    const wsMembership = await membershipId(h.database.db, invitee, ws.id);
    await ok(h.run(ChangeMemberRoleDocument, { input: { memberId: wsMembership, role: 'MEMBER' } }, admin));
    await ok(
      h.run(UpdateBillingProfileDocument, { organizationId: org.id, input: { legalName: 'Audited Ltd' } }, admin),
    );
    const declined = await invite(h, admin, { organizationId: org.id }, decliner.email, 'MEMBER');
    await ok(h.run(DeclineInvitationDocument, { input: { token: declined.token } }, decliner));
    const revoked = await invite(h, admin, { domainId: dom.id }, revokee.email, 'MEMBER');
    await ok(h.run(RevokeInvitationDocument, { id: revoked.invitation.id }, admin));
    await ok(h.run(RemoveMemberDocument, { memberId: await membershipId(h.database.db, invitee, org.id) }, admin));
    const left = await invite(h, admin, { organizationId: org.id }, leaver.email, 'MEMBER');
    await ok(h.run(AcceptInvitationDocument, { input: { token: left.token } }, leaver));
    await ok(h.run(LeaveOrganizationDocument, { organizationId: org.id }, leaver));
    await ok(h.run(DeleteDomainDocument, { id: dom.id }, admin));
    await ok(h.run(DeleteWorkspaceDocument, { id: ws.id }, admin));

    const { result, log } = await read('organization', org.id, admin);
    // The log's readers see everyone it names, also those who have left (or only declined).
    expect(result.errors).toBeUndefined();
    const stored = new Map(
      (await h.database.db.getRepository(AuditEvent).findBy({ organizationId: org.id })).map((e) => [e.id, e]),
    );
    const events = [...log.edges.map((e: any) => e.node)].reverse().map((node: any) => {
      const row = stored.get(node.id)!;
      expect(node.actor?.id ?? null).toBe(row.actorId);
      expect(node.subject?.id ?? null).toBe(row.subjectId);
      return node;
    });
    const A = admin.sub;
    const I = invitee.sub;
    // prettier-ignore
    const expected: Row[] = [
      { action: 'ORGANIZATION_CREATED', actor: A, scope: 'ORGANIZATION', subject: null, email: null, from: null, to: null },
      { action: 'MEMBER_ADDED', actor: A, scope: 'ORGANIZATION', subject: A, email: null, from: null, to: 'ADMIN' },
      { action: 'WORKSPACE_CREATED', actor: A, scope: 'WORKSPACE', subject: null, email: null, from: null, to: null },
      { action: 'DOMAIN_CREATED', actor: A, scope: 'DOMAIN', subject: null, email: null, from: null, to: null },
      { action: 'ORGANIZATION_UPDATED', actor: A, scope: 'ORGANIZATION', subject: null, email: null, from: null, to: null },
      { action: 'WORKSPACE_UPDATED', actor: A, scope: 'WORKSPACE', subject: null, email: null, from: null, to: null },
      { action: 'DOMAIN_UPDATED', actor: A, scope: 'DOMAIN', subject: null, email: null, from: null, to: null },
      { action: 'INVITATION_CREATED', actor: A, scope: 'WORKSPACE', subject: null, email: invitee.email, from: null, to: 'ADMIN' },
      { action: 'INVITATION_RESENT', actor: A, scope: 'WORKSPACE', subject: null, email: invitee.email, from: null, to: 'ADMIN' },
      { action: 'INVITATION_ACCEPTED', actor: I, scope: 'WORKSPACE', subject: null, email: invitee.email, from: null, to: 'ADMIN' },
      { action: 'MEMBER_ADDED', actor: I, scope: 'ORGANIZATION', subject: I, email: null, from: null, to: 'MEMBER' },
      { action: 'MEMBER_ADDED', actor: I, scope: 'WORKSPACE', subject: I, email: null, from: null, to: 'ADMIN' },
      { action: 'MEMBER_ROLE_CHANGED', actor: A, scope: 'WORKSPACE', subject: I, email: null, from: 'ADMIN', to: 'MEMBER' },
      { action: 'BILLING_UPDATED', actor: A, scope: 'ORGANIZATION', subject: null, email: null, from: null, to: null },
      { action: 'INVITATION_CREATED', actor: A, scope: 'ORGANIZATION', subject: null, email: decliner.email, from: null, to: 'MEMBER' },
      { action: 'INVITATION_DECLINED', actor: decliner.sub, scope: 'ORGANIZATION', subject: null, email: decliner.email, from: null, to: 'MEMBER' },
      { action: 'INVITATION_CREATED', actor: A, scope: 'DOMAIN', subject: null, email: revokee.email, from: null, to: 'MEMBER' },
      { action: 'INVITATION_REVOKED', actor: A, scope: 'DOMAIN', subject: null, email: revokee.email, from: null, to: 'MEMBER' },
      { action: 'MEMBER_REMOVED', actor: A, scope: 'WORKSPACE', subject: I, email: null, from: 'MEMBER', to: null },
      { action: 'MEMBER_REMOVED', actor: A, scope: 'ORGANIZATION', subject: I, email: null, from: 'MEMBER', to: null },
      { action: 'INVITATION_CREATED', actor: A, scope: 'ORGANIZATION', subject: null, email: leaver.email, from: null, to: 'MEMBER' },
      { action: 'INVITATION_ACCEPTED', actor: leaver.sub, scope: 'ORGANIZATION', subject: null, email: leaver.email, from: null, to: 'MEMBER' },
      { action: 'MEMBER_ADDED', actor: leaver.sub, scope: 'ORGANIZATION', subject: leaver.sub, email: null, from: null, to: 'MEMBER' },
      { action: 'MEMBER_LEFT', actor: leaver.sub, scope: 'ORGANIZATION', subject: leaver.sub, email: null, from: 'MEMBER', to: null },
      { action: 'DOMAIN_DELETED', actor: A, scope: 'DOMAIN', subject: null, email: null, from: null, to: null },
      { action: 'WORKSPACE_DELETED', actor: A, scope: 'WORKSPACE', subject: null, email: null, from: null, to: null },
    ];
    expect(events.map(row)).toEqual(expected);
    for (const event of events) {
      expect(event.organizationId).toBe(org.id);
      expect(event.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
    // One request, one id: the accept's three events share theirs; other requests have others.
    const accept = events.slice(9, 12).map((e: any) => e.requestId);
    expect(new Set(accept).size).toBe(1);
    // Four requests wrote more than one event: create (2), the two accepts (3 and 2), the removal (2).
    expect(new Set(events.map((e: any) => e.requestId)).size).toBe(expected.length - 1 - 2 - 1 - 1);

    // Filters and paging.
    const filtered = await read('organization', org.id, admin, {
      filter: { actions: ['MEMBER_REMOVED', 'MEMBER_LEFT'], subjectId: I },
    });
    expect(filtered.log.edges.map((e: any) => e.node.action)).toEqual(['MEMBER_REMOVED', 'MEMBER_REMOVED']);
    const byActor = await read('organization', org.id, admin, { filter: { actorId: decliner.sub } });
    expect(byActor.log.edges.map((e: any) => e.node.action)).toEqual(['INVITATION_DECLINED']);
    const future = await read('organization', org.id, admin, {
      filter: { since: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(future.log.edges).toEqual([]);
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const page: any = (await read('organization', org.id, admin, { first: 7, after })).log;
      paged.push(...page.edges.map((e: any) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(paged).toEqual(log.edges.map((e: any) => e.node.id));
  });

  it('a scope reads its own events and those below it; others get FORBIDDEN, outsiders NOT_FOUND', async () => {
    const world = await createWorld(h);
    await h.run(UpdateWorkspaceDocument, { id: world.w1.id, input: { name: 'W1 renamed' } }, world.people.orgAdmin);
    await h.run(
      UpdateDomainDocument,
      { id: world.d1.id, input: { hostname: 'renamed.example.com' } },
      world.people.orgAdmin,
    );
    await h.run(UpdateWorkspaceDocument, { id: world.w2.id, input: { name: 'W2 renamed' } }, world.people.orgAdmin);

    const actions = async (type: 'organization' | 'workspace' | 'domain', id: string, who: Person) => {
      const { result, log } = await read(type, id, who);
      return log
        ? log.edges.map(
            (e: any) =>
              `${e.node.action}:${e.node.workspaceId === world.w1.id ? 'w1' : e.node.workspaceId === world.w2.id ? 'w2' : '-'}`,
          )
        : errorCodes(result);
    };
    const org = await actions('organization', world.organization.id, world.people.orgAdmin);
    expect(org).toEqual(expect.arrayContaining(['WORKSPACE_UPDATED:w2', 'DOMAIN_UPDATED:w1', 'WORKSPACE_UPDATED:w1']));
    const ws = await actions('workspace', world.w1.id, world.people.wsAdmin);
    expect(ws.slice(0, 2)).toEqual(['DOMAIN_UPDATED:w1', 'WORKSPACE_UPDATED:w1']);
    expect(ws).not.toContain('WORKSPACE_UPDATED:w2');
    expect(await actions('domain', world.d1.id, world.people.domainAdmin)).toEqual(
      expect.arrayContaining(['DOMAIN_UPDATED:w1']),
    );
    expect(await actions('organization', world.organization.id, world.people.wsAdmin)).toEqual(['FORBIDDEN']);
    for (const persona of ['orgAccounting', 'wsMember', 'domainMember'] as const) {
      expect([persona, await actions('workspace', world.w1.id, world.people[persona])]).toEqual([
        persona,
        ['FORBIDDEN'],
      ]);
    }
    for (const persona of ['orgAccounting', 'orgMember'] as const) {
      expect(await actions('organization', world.organization.id, world.people[persona])).toEqual(['FORBIDDEN']);
    }
    // An organization MEMBER cannot see the workspace at all: NOT_FOUND, as for anything unseen.
    expect(await actions('workspace', world.w1.id, world.people.orgMember)).toEqual(['NOT_FOUND']);
    const outsider = await read('organization', world.organization.id, world.people.outsider);
    expect(errorCodes(outsider.result)).toEqual(['NOT_FOUND']);
    expect((outsider.result.data as any).organization).toBeNull();
  });

  it('a change that fails after its event was written leaves no event', async () => {
    const world = await createWorld(h);
    const before = await h.database.db.getRepository(AuditEvent).countBy({ organizationId: world.organization.id });
    // The invitation's event is written before its email is queued: with no outbox table, the
    // email fails, and the whole transaction — event included — rolls back.
    await h.database.db.query('ALTER TABLE outbox_emails RENAME TO outbox_emails_away');
    try {
      const result = await h.run(
        InviteMemberDocument,
        {
          input: {
            scope: { organizationId: world.organization.id },
            email: 'rolled-back@example.test',
            role: 'MEMBER',
          },
        },
        world.people.orgAdmin,
      );
      expect(errorCodes(result)).toEqual(['INTERNAL_SERVER_ERROR']);
    } finally {
      await h.database.db.query('ALTER TABLE outbox_emails_away RENAME TO outbox_emails');
    }
    expect(await h.database.db.getRepository(AuditEvent).countBy({ organizationId: world.organization.id })).toBe(
      before,
    );
    const refused = await h.run(
      InviteMemberDocument,
      {
        input: {
          scope: { organizationId: world.organization.id },
          email: world.people.orgMember.email,
          role: 'MEMBER',
        },
      },
      world.people.orgAdmin,
    );
    expect(errorCodes(refused)).toEqual(['ALREADY_MEMBER']);
    expect(await h.database.db.getRepository(AuditEvent).countBy({ organizationId: world.organization.id })).toBe(
      before,
    );
  });

  it('its readers see the people it names, also after they have left; each event says where it came from', async () => {
    const world = await createWorld(h);
    const admin = world.people.orgAdmin;
    const leaver = world.people.orgMember;
    const removed = world.people.wsMember;
    expect(
      errorCodes(await h.run(LeaveOrganizationDocument, { organizationId: world.organization.id }, leaver)),
    ).toEqual([]);
    const removedId = await membershipId(h.database.db, removed, world.organization.id);
    expect(errorCodes(await h.run(RemoveMemberDocument, { memberId: removedId }, admin))).toEqual([]);
    const query = `query($id: ID!) { organization(id: $id) { auditLog(first: 100) { nodes {
      action source actor { id email displayName } subject { id email displayName } } } } }`;
    const result = await h.run(query as never, { id: world.organization.id }, admin);
    expect(result.errors).toBeUndefined();
    const nodes = (result.data as any).organization.auditLog.nodes as any[];
    const left = nodes.find((e) => e.action === 'MEMBER_LEFT' && e.subject?.id === leaver.sub);
    expect(left).toMatchObject({
      source: 'USER',
      actor: { id: leaver.sub, email: leaver.email, displayName: leaver.name },
      subject: { id: leaver.sub, email: leaver.email, displayName: leaver.name },
    });
    const gone = nodes.find((e) => e.action === 'MEMBER_REMOVED' && e.subject?.id === removed.sub);
    expect(gone).toMatchObject({
      source: 'USER',
      actor: { id: admin.sub, email: admin.email },
      subject: { id: removed.sub, email: removed.email, displayName: removed.name },
    });
    // Outside the log the departed are strangers again: a member of the organization cannot read them.
    const stranger = await h.run(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id email } } }` as never,
      { r: [{ __typename: 'User', id: leaver.sub }] },
      world.people.orgAccounting,
    );
    expect(errorCodes(stranger)).toEqual(['NOT_FOUND']);
    // The system's own changes say so.
    const expiring = await h.person('expiring');
    await signInAndJoin(h, world, expiring);
    const row = await membershipId(h.database.db, expiring, world.organization.id);
    await h.database.db.query('UPDATE memberships SET expires_at = ? WHERE id = ?', [
      toSqlDateTime(new Date(Date.now() - 1000)),
      row,
    ]);
    await h.app.sweeper.runOnce();
    const after = await h.run(query as never, { id: world.organization.id }, admin);
    const expired = ((after.data as any).organization.auditLog.nodes as any[]).find(
      (e) => e.action === 'MEMBER_EXPIRED',
    );
    expect(expired).toMatchObject({
      source: 'SYSTEM',
      actor: null,
      subject: { id: expiring.sub, email: expiring.email },
    });
  });

  it('actors and subjects of a page load in one batch, however long the page', async () => {
    const world = await createWorld(h);
    const count = async (first: number) =>
      (
        await h.statements.during(() =>
          h.run(LOG('organization') as never, { id: world.organization.id, first }, world.people.orgAdmin),
        )
      ).statements;
    // The caller's memberships, the page, its users, their memberships (for User visibility): a
    // constant few, whether the page holds 5 events or 50.
    const [few, many] = [await count(5), await count(50)];
    expect(few).toBeLessThanOrEqual(5);
    expect(many).toBeLessThanOrEqual(5);
  });
});

async function signInAndJoin(h: Harness, world: World, person: Person): Promise<void> {
  await addMember(h, person, { kind: ScopeKind.ORGANIZATION, organizationId: world.organization.id }, Role.MEMBER);
}

async function membershipId(db: DataSource, person: Person, scopeId: string): Promise<string> {
  const [row] = await db.query('SELECT id FROM memberships WHERE user_id = ? AND scope_id = ?', [person.sub, scopeId]);
  return row.id;
}
