import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { Membership } from '../../../entities/membership.entity';
import { Role } from '../../../src/domain/enums';
import { memberCountDrift, searchIndexDrift } from '../../../src/db/membership-rows';
import { toCount } from '../../../src/db/sql';
import { ManualClock } from '../../../src/config/clock';
import { createWorld, invite, type World } from '../../support/factories';
import { createHarness, errorCodes, type Harness, type Person } from '../../support/harness';
import { describeOnEachDatabase } from '../../support/each-database';

/**
 * Members lists' `totalCount` and the seat check read counts kept per scope and role in the
 * transaction of every membership change (`member_counts`), and the search reads the words kept
 * the same way (`member_words`). After each kind of change both must equal what the rows say —
 * through the API (every scope, every role filter) and by recounting. The races (integrity,
 * Galera) recount after every round too.
 */
const COUNTS = `
  query Counts($org: ID!, $role: Role) {
    organization(id: $org) {
      members(role: $role) { totalCount }
      workspaces { id members(role: $role) { totalCount } domains { id members(role: $role) { totalCount } } }
    }
  }`;

type CountsData = {
  organization: {
    members: { totalCount: number };
    workspaces: {
      id: string;
      members: { totalCount: number };
      domains: { id: string; members: { totalCount: number } }[];
    }[];
  } | null;
};

describeOnEachDatabase('maintained member counts', (kind) => {
  // Runs with the wall clock; expiries are reached by moving it ahead, not by waiting.
  const clock = new ManualClock(Date.now(), { running: true });
  let h: Harness;
  let world: World;
  beforeAll(async () => {
    h = await createHarness(kind, { INVITATIONS_PER_HOUR: '1000' }, { nudgeOutbox: false, clock });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    world = await createWorld(h);
  });

  const admin = () => world.people.orgAdmin;

  /** Every scope's totalCount, unfiltered and per role, as the API answers and as the rows say. */
  async function expectCountsAgree(): Promise<void> {
    expect(await memberCountDrift(h.database.db, world.organization.id)).toEqual([]);
    // The search index too: every membership's words, and no word of a membership that is gone.
    expect(await searchIndexDrift(h.database.db)).toEqual([]);
    for (const role of [null, Role.ADMIN, Role.ACCOUNTING, Role.MEMBER]) {
      const result = await h.run<CountsData, Record<string, unknown>>(
        COUNTS,
        { org: world.organization.id, role },
        admin(),
      );
      expect(result.errors).toBeUndefined();
      const organization = result.data!.organization!;
      const answered: [string, number][] = [[world.organization.id, organization.members.totalCount]];
      for (const workspace of organization.workspaces) {
        answered.push([workspace.id, workspace.members.totalCount]);
        for (const domain of workspace.domains) answered.push([domain.id, domain.members.totalCount]);
      }
      for (const [scopeId, totalCount] of answered) {
        const [row] = await h.database.db.query(
          `SELECT COUNT(*) AS n FROM memberships WHERE scope_id = ?${role ? ' AND role = ?' : ''}`,
          role ? [scopeId, role] : [scopeId],
        );
        expect({ scopeId, role, totalCount }).toEqual({ scopeId, role, totalCount: toCount(row.n) });
      }
    }
  }

  const membershipOf = (person: Person, scopeId: string) =>
    h.database.db.getRepository(Membership).findOneByOrFail({ userId: person.sub, scopeId });
  const ok = (result: { errors?: readonly unknown[] }) => expect(errorCodes(result as never)).toEqual([]);

  it('a new world: creation, invitations accepted at every scope, organization memberships brought along', async () => {
    await expectCountsAgree();
    // A workspace invitation to someone new brings an organization membership along.
    const newcomer = await h.person('newcomer');
    const { token } = await invite(h, admin(), { workspaceId: world.w2.id }, newcomer.email, 'ADMIN');
    ok(await h.run('mutation($t: String!) { acceptInvitation(input: { token: $t }) { id } }', { t: token }, newcomer));
    await expectCountsAgree();
  });

  it('an upgrade by invitation, a role change and a hand-over move people between role counts', async () => {
    // Invited to the organization as ADMIN, then into a workspace, which brings an organization
    // MEMBER along: the older invitation then upgrades that membership.
    const person = await h.person('upgraded');
    const upgrade = await invite(h, admin(), { organizationId: world.organization.id }, person.email, 'ADMIN');
    const first = await invite(h, admin(), { workspaceId: world.w1.id }, person.email, 'MEMBER');
    const accept = 'mutation($t: String!) { acceptInvitation(input: { token: $t }) { id } }';
    ok(await h.run(accept, { t: first.token }, person));
    await expectCountsAgree();
    ok(await h.run(accept, { t: upgrade.token }, person));
    expect((await membershipOf(person, world.organization.id)).role).toBe(Role.ADMIN);
    await expectCountsAgree();
    const wsMember = await membershipOf(world.people.wsMember, world.w1.id);
    ok(
      await h.run(
        'mutation($id: ID!) { changeMemberRole(input: { memberId: $id, role: ADMIN }) { id } }',
        { id: wsMember.id },
        admin(),
      ),
    );
    await expectCountsAgree();
    const successor = await membershipOf(world.people.orgAccounting, world.organization.id);
    ok(
      await h.run(
        'mutation($org: ID!, $s: ID) { leaveOrganization(organizationId: $org, successorMemberId: $s) }',
        { org: world.organization.id, s: successor.id },
        admin(),
      ),
    );
    world.people.orgAdmin = world.people.orgAccounting;
    await expectCountsAgree();
  });

  it('removals: one scope, and a whole person at organization scope with their workspace and domain memberships', async () => {
    const domainMember = await membershipOf(world.people.domainMember, world.d1.id);
    ok(await h.run('mutation($id: ID!) { removeMember(memberId: $id) }', { id: domainMember.id }, admin()));
    await expectCountsAgree();
    const domainAdmin = await membershipOf(world.people.domainAdmin, world.organization.id);
    ok(await h.run('mutation($id: ID!) { removeMember(memberId: $id) }', { id: domainAdmin.id }, admin()));
    await expectCountsAgree();
  });

  it('deleting a domain and a workspace takes their counts with them; deleting the organization leaves none', async () => {
    ok(await h.run('mutation($id: ID!) { deleteDomain(id: $id) }', { id: world.d1.id }, admin()));
    await expectCountsAgree();
    ok(await h.run('mutation($id: ID!) { deleteWorkspace(id: $id) }', { id: world.w1.id }, admin()));
    await expectCountsAgree();
    const [left] = await h.database.db.query('SELECT COUNT(*) AS n FROM member_counts WHERE scope_id IN (?, ?, ?)', [
      world.w1.id,
      world.d1.id,
      world.d1b.id,
    ]);
    expect(toCount(left.n)).toBe(0);
    ok(await h.run('mutation($id: ID!) { deleteOrganization(id: $id) }', { id: world.organization.id }, admin()));
    const [none] = await h.database.db.query('SELECT COUNT(*) AS n FROM member_counts WHERE organization_id = ?', [
      world.organization.id,
    ]);
    expect(toCount(none.n)).toBe(0);
  });

  it('memberships that end by themselves are uncounted by the sweep that removes them', async () => {
    const member = await membershipOf(world.people.wsMember, world.organization.id);
    const soon = new Date(clock.now().getTime() + 60_000).toISOString();
    ok(
      await h.run(
        'mutation($id: ID!, $at: DateTime) { setMemberExpiry(memberId: $id, expiresAt: $at) { id } }',
        { id: member.id, at: soon },
        admin(),
      ),
    );
    clock.advance(60_000);
    expect(await h.app.sweeper.runOnce()).toBeGreaterThan(0);
    await expectCountsAgree();
  });
});

describe('writes of membership rows', () => {
  it('happen only in src/db/membership-rows.ts (each must keep the counts), migrations aside', () => {
    const root = join(__dirname, '../../..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts')) files.push(path);
      }
    };
    for (const dir of ['src', 'resolvers', 'permissions', 'entities']) walk(join(root, dir));
    const writes =
      /(insert|delete|save|remove)\(\s*Membership\b|getRepository\(Membership\)\.(insert|delete|save|remove)|(INSERT INTO|DELETE FROM) memberships|update\(\s*Membership\b[^;]*\brole\b/s;
    const offenders = files
      .map((file) => relative(root, file))
      .filter((file) => file !== 'src/db/membership-rows.ts' && !file.startsWith('src/db/migrations/'))
      .filter((file) => writes.test(readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('npm run check:counts', () => {
  const run = promisify(execFile);
  it('reports a drift with exit code 1, repairs it with --repair, and then finds none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'counts-'));
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, NODE_ENV: 'development' };
    const script = join(__dirname, '../../../dist/src/cli/check-counts.js');
    const first = await run('node', [script], { env });
    expect(first.stdout).toContain('member counts and the search index match');
    // An organization whose ADMIN count says 3 while it has no memberships.
    const { openDatabase } = await import('../../../src/db/data-source');
    const db = await openDatabase(env.DATABASE_URL);
    await db.query(
      "INSERT INTO organizations (id, name, created_at, updated_at, version) VALUES ('o1', 'O', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000', 0)",
    );
    await db.query("INSERT INTO member_counts (scope_id, role, organization_id, n) VALUES ('o1', 'ADMIN', 'o1', 3)");
    // A membership whose index lost a word, and a word of a membership that is gone.
    await db.query(
      "INSERT INTO users (id, email, email_verified, display_name, created_at, updated_at) VALUES ('u1', 'ada@x.example', 1, 'Ada', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')",
    );
    await db.query(
      "INSERT INTO memberships (id, user_id, scope, scope_id, role, organization_id, unnamed, name_key, email_key, created_at, updated_at) VALUES ('m1', 'u1', 'ORGANIZATION', 'o1', 'MEMBER', 'o1', 0, 'ada', 'ada@x.example', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')",
    );
    await db.query(
      "INSERT INTO member_words (scope_id, word, membership_id) VALUES ('o1', 'ada', 'm1'), ('o1', 'x', 'm1'), ('o1', 'ghost', 'gone')",
    );
    await db.destroy();
    const drifted = await run('node', [script], { env }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain('o1 o1 ADMIN: counted 3, actual 0');
    expect(drifted.stdout).toContain('o1 o1 m1: word "example" missing');
    expect(drifted.stdout).toContain('(membership gone) o1 gone: word "ghost" extra');
    const repaired = await run('node', [script, '--repair'], { env });
    expect(repaired.stdout).toContain('repaired');
    const after = await run('node', [script], { env });
    expect(after.stdout).toContain('member counts and the search index match');
  });
});
