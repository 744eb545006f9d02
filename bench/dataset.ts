import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Domain } from '../entities/domain.entity';
import { Membership } from '../entities/membership.entity';
import { Organization } from '../entities/organization.entity';
import { User } from '../entities/user.entity';
import { Workspace } from '../entities/workspace.entity';
import { Role, ScopeKind } from '../src/domain/enums';
import { insertMemberships } from '../src/db/membership-rows';
import { inTransaction } from '../src/db/transaction';
import { memberOrderKeys } from '../src/db/sql';
import { addLargeMembership, largeMember } from '../src/dev/large-organization';

/**
 * A realistic organization of `size` members, written straight to the database in bulk (the API
 * would take minutes for 10 000 people): 50 workspaces of 5 domains each, 4 members in every
 * workspace and 2 in every domain, an ADMIN who runs the queries, a few ACCOUNTING.
 */
export interface BenchOrganization {
  size: number;
  organizationId: string;
  adminSub: string;
  workspaceId: string;
  /** Every workspace of the organization, and every domain (in workspace order). */
  workspaceIds: string[];
  domainIds: string[];
}

const WORKSPACES = 50;
const DOMAINS_PER_WORKSPACE = 5;

async function insertInChunks<T extends object>(db: DataSource, entity: new () => T, rows: T[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await inTransaction(db, (em) => em.insert(entity, chunk as never));
  }
}

export async function seedOrganization(db: DataSource, size: number, label: string): Promise<BenchOrganization> {
  const base = Date.UTC(2026, 0, 1);
  const at = (i: number) => new Date(base + i * 1000);
  const organizationId = randomUUID();
  const users: User[] = [];
  for (let i = 0; i < size; i++) {
    users.push(
      Object.assign(new User(), {
        id: `bench|${label}-${i}`,
        email: `m${i}-${label}@bench.example`,
        emailVerified: true,
        displayName: `Member ${i} of ${label}`,
        createdAt: at(i),
        updatedAt: at(i),
      }),
    );
  }
  await insertInChunks(db, User, users);
  await inTransaction(db, (em) =>
    em.insert(Organization, { id: organizationId, name: `Bench ${label}`, createdAt: at(0), updatedAt: at(0) }),
  );

  const memberships: Membership[] = [];
  const membership = (
    userIndex: number,
    scope: ScopeKind,
    scopeId: string,
    role: Role,
    ids: Partial<Membership>,
    i: number,
  ) =>
    Object.assign(new Membership(), {
      id: randomUUID(),
      userId: users[userIndex].id,
      scope,
      scopeId,
      role,
      organizationId,
      workspaceId: null,
      domainId: null,
      ...ids,
      ...memberOrderKeys(users[userIndex].email, users[userIndex].displayName),
      createdAt: at(i),
      updatedAt: at(i),
    });
  users.forEach((_, i) => {
    const role = i === 0 ? Role.ADMIN : i % 50 === 1 ? Role.ACCOUNTING : Role.MEMBER;
    memberships.push(membership(i, ScopeKind.ORGANIZATION, organizationId, role, {}, i));
  });

  const workspaces: Workspace[] = [];
  const domains: Domain[] = [];
  const others = Math.max(size - 1, 1);
  for (let w = 0; w < WORKSPACES; w++) {
    const workspace = Object.assign(new Workspace(), {
      id: randomUUID(),
      organizationId,
      name: `Workspace ${w}`,
      createdAt: at(w),
      updatedAt: at(w),
    });
    workspaces.push(workspace);
    for (let k = 0; k < Math.min(4, others); k++) {
      const user = 1 + ((w * 4 + k) % others);
      memberships.push(
        membership(
          user,
          ScopeKind.WORKSPACE,
          workspace.id,
          k === 0 ? Role.ADMIN : Role.MEMBER,
          { workspaceId: workspace.id },
          size + w * 10 + k,
        ),
      );
    }
    for (let d = 0; d < DOMAINS_PER_WORKSPACE; d++) {
      const domain = Object.assign(new Domain(), {
        id: randomUUID(),
        organizationId,
        workspaceId: workspace.id,
        hostname: `d${d}.w${w}.${label}.bench.example`,
        createdAt: at(d),
        updatedAt: at(d),
      });
      domains.push(domain);
      for (let k = 0; k < Math.min(2, others); k++) {
        const user = 1 + ((w * DOMAINS_PER_WORKSPACE * 2 + d * 2 + k + 7) % others);
        memberships.push(
          membership(
            user,
            ScopeKind.DOMAIN,
            domain.id,
            Role.MEMBER,
            { workspaceId: workspace.id, domainId: domain.id },
            size + 1000 + w * 10 + d * 2 + k,
          ),
        );
      }
    }
  }
  await insertInChunks(db, Workspace, workspaces);
  await insertInChunks(db, Domain, domains);
  // Every workspace or domain member is an organization member already (all users are). Through
  // the one writer of memberships: counts and search index as the service keeps them.
  for (let i = 0; i < memberships.length; i += 5000) {
    await inTransaction(db, (em) => insertMemberships(em, memberships.slice(i, i + 5000)));
  }
  await freshStatistics(db);
  return {
    size,
    organizationId,
    adminSub: users[0].id,
    workspaceId: workspaces[0].id,
    workspaceIds: workspaces.map((w) => w.id),
    domainIds: domains.map((d) => d.id),
  };
}

/** The workspaces (and their domains) of a flat organization: as many as `npm run seed:large` makes. */
const FLAT_WORKSPACES = 3;
const FLAT_DOMAINS_PER_WORKSPACE = 2;

/**
 * An organization of `size` members, three workspaces of two domains with a few members each (as
 * `npm run seed:large` makes), for the size axis of the members lists and of the decisions: its
 * people are `largeMember`s (searches of known sizes exist at every size), its memberships written
 * in batches through the one writer, as `npm run seed:large` does. The organization is named
 * `Bench <label> (seeding)` until the last membership is in, then `Bench <label>`: an interrupted
 * seed is never taken for a complete one by `findFlatOrganization`.
 */
export async function seedFlatOrganization(db: DataSource, size: number, label: string): Promise<BenchOrganization> {
  const organizationId = randomUUID();
  const start = new Date(Date.UTC(2025, 0, 1));
  const admin = largeMember(label, 0);
  const workspaces = Array.from({ length: FLAT_WORKSPACES }, (_, w) => ({
    id: randomUUID(),
    name: `Workspace ${w}`,
    domainIds: Array.from({ length: FLAT_DOMAINS_PER_WORKSPACE }, () => randomUUID()),
  }));
  await inTransaction(db, async (em) => {
    await em.insert(Organization, {
      id: organizationId,
      name: `Bench ${label} (seeding)`,
      createdAt: start,
      updatedAt: start,
    });
    await em.insert(User, {
      id: admin.sub,
      email: admin.email,
      emailVerified: true,
      displayName: admin.name,
      createdAt: start,
      updatedAt: start,
    });
    await insertMemberships(em, [
      Object.assign(new Membership(), {
        id: randomUUID(),
        userId: admin.sub,
        scope: ScopeKind.ORGANIZATION,
        scopeId: organizationId,
        role: Role.ADMIN,
        organizationId,
        workspaceId: null,
        domainId: null,
        expiresAt: null,
        ...memberOrderKeys(admin.email, admin.name),
        createdAt: start,
        updatedAt: start,
      }),
    ]);
    for (const workspace of workspaces) {
      await em.insert(Workspace, {
        id: workspace.id,
        organizationId,
        name: workspace.name,
        createdAt: start,
        updatedAt: start,
      });
      for (const [d, id] of workspace.domainIds.entries()) {
        await em.insert(Domain, {
          id,
          organizationId,
          workspaceId: workspace.id,
          hostname: `d${d}.${workspace.name.replace(' ', '').toLowerCase()}.${label}.example`,
          createdAt: start,
          updatedAt: start,
        });
      }
    }
  });
  await addLargeMembership(db, { label, organizationId, members: size, workspaces, start });
  await db.query('UPDATE organizations SET name = ? WHERE id = ?', [`Bench ${label}`, organizationId]);
  await freshStatistics(db);
  return flatOrganization(size, organizationId, admin.sub, workspaces);
}

/**
 * Fresh statistics for the tables a seed has just written. A database keeps them up to date by
 * itself as rows change over time; a bench writes thousands at once and measures at once, and on
 * MariaDB the tree's pages statement was planned from the statistics of before the seed: it read
 * a large scope's rows, and the tree measured 9 requests a second where it does 100.
 */
async function freshStatistics(db: DataSource): Promise<void> {
  const tables = ['users', 'organizations', 'workspaces', 'domains', 'memberships', 'member_counts', 'member_words'];
  if (db.options.type === 'better-sqlite3') await db.query('ANALYZE');
  else await db.query(`ANALYZE TABLE ${tables.join(', ')}`);
}

function flatOrganization(
  size: number,
  organizationId: string,
  adminSub: string,
  workspaces: { id: string; domainIds: string[] }[],
): BenchOrganization {
  return {
    size,
    organizationId,
    adminSub,
    workspaceId: workspaces[0]?.id ?? '',
    workspaceIds: workspaces.map((w) => w.id),
    domainIds: workspaces.flatMap((w) => w.domainIds),
  };
}

/**
 * A complete flat organization `seedFlatOrganization` wrote earlier in this database (kept with
 * BENCH_DATABASE), or null: a million members take many minutes to write, and a kept database
 * lets later runs measure them again without writing them again.
 */
export async function findFlatOrganization(
  db: DataSource,
  size: number,
  label: string,
): Promise<BenchOrganization | null> {
  const [organization] = (await db.query('SELECT id FROM organizations WHERE name = ?', [`Bench ${label}`])) as {
    id: string;
  }[];
  if (!organization) return null;
  const workspaceRows = (await db.query('SELECT id FROM workspaces WHERE organization_id = ? ORDER BY name', [
    organization.id,
  ])) as { id: string }[];
  const domainRows = (await db.query(
    'SELECT id, workspace_id FROM domains WHERE organization_id = ? ORDER BY hostname',
    [organization.id],
  )) as { id: string; workspace_id: string }[];
  const workspaces = workspaceRows.map((w) => ({
    id: w.id,
    domainIds: domainRows.filter((d) => d.workspace_id === w.id).map((d) => d.id),
  }));
  return flatOrganization(size, organization.id, largeMember(label, 0).sub, workspaces);
}
