import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Domain } from '../entities/domain.entity';
import { Membership } from '../entities/membership.entity';
import { Organization } from '../entities/organization.entity';
import { User } from '../entities/user.entity';
import { Workspace } from '../entities/workspace.entity';
import { Role, ScopeKind } from '../src/domain/enums';
import { recountOrganization } from '../src/db/membership-rows';
import { inTransaction } from '../src/db/transaction';
import { memberOrderKeys, userSearchKey } from '../src/db/sql';

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
  // Every workspace or domain member is an organization member already (all users are).
  await insertInChunks(db, Membership, memberships);
  await inTransaction(db, (em) => recountOrganization(em, organizationId));
  return {
    size,
    organizationId,
    adminSub: users[0].id,
    workspaceId: workspaces[0].id,
    domainIds: domains.map((d) => d.id),
  };
}

/**
 * An organization of `size` members and nothing else (no workspaces), written with multi-row
 * INSERTs of 1 000 rows: a million members take a few minutes instead of hours. For the size
 * axis of the members lists; `label` keeps its users apart from other seeds.
 */
export async function seedFlatOrganization(db: DataSource, size: number, label: string): Promise<BenchOrganization> {
  const organizationId = randomUUID();
  const base = Date.UTC(2025, 0, 1);
  const stamp = (i: number) => new Date(base + i * 1000).toISOString().replace('T', ' ').slice(0, 23);
  await db.query('INSERT INTO organizations (id, name, version, created_at, updated_at) VALUES (?, ?, 0, ?, ?)', [
    organizationId,
    `Bench ${label}`,
    stamp(0),
    stamp(0),
  ]);
  const CHUNK = 1_000;
  for (let start = 0; start < size; start += CHUNK) {
    const users: unknown[] = [];
    const memberships: unknown[] = [];
    const end = Math.min(size, start + CHUNK);
    for (let i = start; i < end; i++) {
      const id = `bench|${label}-${i}`;
      const email = `m${i}-${label}@bench.example`;
      const name = `Member ${i} of ${label}`;
      const keys = memberOrderKeys(email, name);
      users.push(id, email, 1, name, userSearchKey(email, name), stamp(i), stamp(i));
      const role = i === 0 ? Role.ADMIN : i % 50 === 1 ? Role.ACCOUNTING : Role.MEMBER;
      memberships.push(randomUUID(), id, ScopeKind.ORGANIZATION, organizationId, role, organizationId);
      memberships.push(keys.unnamed ? 1 : 0, keys.nameKey, keys.emailKey, stamp(i), stamp(i));
    }
    const rows = end - start;
    await inTransaction(db, async (em) => {
      await em.query(
        `INSERT INTO users (id, email, email_verified, display_name, search_key, created_at, updated_at) VALUES ${Array(
          rows,
        )
          .fill('(?, ?, ?, ?, ?, ?, ?)')
          .join(', ')}`,
        users,
      );
      await em.query(
        `INSERT INTO memberships (id, user_id, scope, scope_id, role, organization_id, unnamed, name_key, email_key, created_at, updated_at) VALUES ${Array(
          rows,
        )
          .fill('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .join(', ')}`,
        memberships,
      );
    });
  }
  // Inserted in bulk, past the service: its member counts are made once, from the rows.
  await inTransaction(db, (em) => recountOrganization(em, organizationId));
  return { size, organizationId, adminSub: `bench|${label}-0`, workspaceId: '', domainIds: [] };
}
