import { randomUUID } from 'node:crypto';
import { memberCountDrift, searchIndexDrift } from '../../src/db/membership-rows';
import { PUBLIC_ERROR_CODES } from '../../src/domain/errors';
import {
  AcceptInvitationDocument,
  ChangeMemberRoleDocument,
  CreateWorkspaceDocument,
  InviteMemberDocument,
  LeaveOrganizationDocument,
  RemoveMemberDocument,
  WorkspaceDocument,
} from '../generated/graphql';
import { waitFor } from '../support/processes';
import {
  apps,
  count,
  databases,
  membershipId,
  organizationWithAdmins,
  outcome,
  person,
  type Person,
  run,
  smtp,
  tokenOf,
  useGaleraCluster,
} from './galera-support';

/** Races through the nodes of a three-node Galera cluster (galera-support.ts): the database, not luck, decides. */
useGaleraCluster();

describe('on a three-node Galera cluster', () => {
  it('opens every pool with causal reads', async () => {
    for (const db of databases) {
      const [row] = await db.query('SELECT @@session.wsrep_sync_wait AS w');
      expect(Number(row.w)).toBe(1);
    }
  });

  it('two admins demoting or removing each other through two nodes always leave an ADMIN (12 rounds)', async () => {
    for (let round = 0; round < 12; round++) {
      const [x, y] = [await person('x'), await person('y')];
      const organizationId = await organizationWithAdmins([x, y]);
      const [xId, yId] = [await membershipId(0, x, organizationId), await membershipId(1, y, organizationId)];
      const move = (node: number, actor: Person, target: string) =>
        round % 2 === 0
          ? run(node, ChangeMemberRoleDocument, { input: { memberId: target, role: 'MEMBER' } }, actor)
          : run(node, RemoveMemberDocument, { memberId: target }, actor);
      const results = await Promise.all([move(0, x, yId), move(1, y, xId)]);
      for (const result of results) expect(['ok', 'LAST_ADMIN', 'NOT_FOUND', 'FORBIDDEN']).toContain(outcome(result));
      expect(
        await count(2, "SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ? AND role = 'ADMIN'", [organizationId]),
      ).toBeGreaterThanOrEqual(1);
    }
  });

  it('accepting a workspace-ADMIN invitation on one node while removed on another never leaves a workspace member outside the organization (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const admin = await person('admin');
      const u = await person('u');
      const organizationId = await organizationWithAdmins([admin, u]);
      const workspace = await run(0, CreateWorkspaceDocument, { input: { organizationId, name: 'W' } }, admin);
      const workspaceId = workspace.data.createWorkspace.id;
      // U is an ADMIN of the organization here; demote to MEMBER first.
      await run(
        0,
        ChangeMemberRoleDocument,
        {
          input: { memberId: await membershipId(0, u, organizationId), role: 'MEMBER' },
        },
        admin,
      );
      const invited = await run(
        1,
        InviteMemberDocument,
        {
          input: { scope: { workspaceId }, email: u.email, role: 'ADMIN' },
        },
        admin,
      );
      const token = await tokenOf(invited.data.inviteMember.id);
      const memberId = await membershipId(1, u, organizationId);
      const results = await Promise.all([
        run(0, AcceptInvitationDocument, { input: { token } }, u),
        run(1, RemoveMemberDocument, { memberId }, admin),
      ]);
      expect(outcome(results[1])).toBe('ok');
      expect(['ok', 'INVITATION_NOT_PENDING']).toContain(outcome(results[0]));
      expect(
        await count(2, 'SELECT COUNT(*) AS n FROM memberships WHERE user_id = ? AND organization_id = ?', [
          u.sub,
          organizationId,
        ]),
      ).toBe(0);
    }
  });

  it('promote, leave and leave through three nodes never leave an organization without an ADMIN (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const admin = await person('admin');
      const other = await person('other');
      const organizationId = await organizationWithAdmins([admin, other]);
      // `other` becomes ACCOUNTING, then is promoted while leaving, and the admin leaves too.
      await run(
        0,
        ChangeMemberRoleDocument,
        {
          input: { memberId: await membershipId(0, other, organizationId), role: 'ACCOUNTING' },
        },
        admin,
      );
      const memberId = await membershipId(0, other, organizationId);
      const results = await Promise.all([
        run(round % 3, ChangeMemberRoleDocument, { input: { memberId, role: 'ADMIN' } }, admin),
        run((round + 1) % 3, LeaveOrganizationDocument, { organizationId }, other),
        run((round + 2) % 3, LeaveOrganizationDocument, { organizationId }, admin),
      ]);
      for (const result of results) expect(['ok', 'LAST_ADMIN', 'NOT_FOUND', 'FORBIDDEN']).toContain(outcome(result));
      expect(
        await count(round % 3, "SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ? AND role = 'ADMIN'", [
          organizationId,
        ]),
      ).toBeGreaterThanOrEqual(1);
    }
  });

  it('ten accepts of one invitation over three nodes make one membership', async () => {
    for (let round = 0; round < 3; round++) {
      const admin = await person('admin');
      const invitee = await person('invitee');
      const organizationId = await organizationWithAdmins([admin]);
      const invited = await run(
        0,
        InviteMemberDocument,
        {
          input: { scope: { organizationId }, email: invitee.email, role: 'MEMBER' },
        },
        admin,
      );
      const token = await tokenOf(invited.data.inviteMember.id);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => run(i % 3, AcceptInvitationDocument, { input: { token } }, invitee)),
      );
      const outcomes = results.map(outcome);
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(9).fill('INVITATION_NOT_PENDING'));
      expect(await count(1, 'SELECT COUNT(*) AS n FROM memberships WHERE user_id = ?', [invitee.sub])).toBe(1);
    }
  });

  it('forty concurrent invitations through three instances: documented codes only, and each email sent exactly once', async () => {
    const admin = await person('admin');
    const organizationId = await organizationWithAdmins([admin]);
    const emails = Array.from({ length: 40 }, (_, i) => `guest-${i}-${randomUUID().slice(0, 6)}@example.test`);
    const results = await Promise.all(
      emails.map((email, i) =>
        run(i % 3, InviteMemberDocument, { input: { scope: { organizationId }, email, role: 'MEMBER' } }, admin),
      ),
    );
    for (const result of results)
      expect(PUBLIC_ERROR_CODES.filter((c) => c !== 'INTERNAL_SERVER_ERROR').concat(['ok' as never])).toContain(
        outcome(result),
      );
    const invited = emails.filter((_, i) => outcome(results[i]) === 'ok');
    expect(invited.length).toBe(40);
    for (const app of apps) app.outbox.start();
    await waitFor('every invitation email', async () => invited.every((email) => smtp.to(email).length > 0), 60_000);
    // Give every dispatcher a few more rounds to send anything twice, then count.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const email of invited) expect(smtp.to(email)).toHaveLength(1);
    for (const app of apps) await app.outbox.stop();
  });

  it('reads through one node see what was acknowledged through another (30 rounds)', async () => {
    const admin = await person('admin');
    const organizationId = await organizationWithAdmins([admin]);
    for (let round = 0; round < 30; round++) {
      const created = await run(
        round % 3,
        CreateWorkspaceDocument,
        {
          input: { organizationId, name: `W${round}` },
        },
        admin,
      );
      const id = created.data.createWorkspace.id;
      const read = await run((round + 1) % 3, WorkspaceDocument, { id }, admin);
      expect(read.errors).toBeUndefined();
      expect(read.data.workspace).toMatchObject({ id, name: `W${round}` });
    }
  });

  it('after all of the races above, the member counts and search index on every node equal its memberships', async () => {
    // The counts are written in each membership change's transaction, beside the organization
    // row: a change retried after losing certification must not count twice.
    expect(await count(0, 'SELECT COUNT(*) AS n FROM memberships', [])).toBeGreaterThan(20);
    for (const db of databases) expect(await memberCountDrift(db)).toEqual([]);
    for (const db of databases) expect(await searchIndexDrift(db)).toEqual([]);
  });
});
