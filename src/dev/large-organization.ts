import type { DataSource } from 'typeorm';
import { Membership } from '../../entities/membership.entity';
import { insertMemberships } from '../db/membership-rows';
import { memberOrderKeys, toSqlDateTime } from '../db/sql';
import { withOrganizationLock } from '../db/transaction';
import { Role, ScopeKind } from '../domain/enums';
import { scopeColumns, type ScopeRef } from '../domain/scope';

/**
 * A large organization on demand (`npm run seed:large`, and the benchmark's size axis): N members
 * written through the one writer of memberships (`insertMemberships`: the rows, the member counts
 * and the search index exactly as the service writes them), a few thousand a transaction under the
 * organization's lock, instead of one request each. Development only.
 *
 * The people are made so that searches of known sizes exist at every size: member `i` is
 * `<First> <Last>` with the address `first.last.e<i, 7 digits>@<label>.example`; the first names of
 * the even members begin with "Al" and no other word of anyone does, so `al` matches exactly half
 * of them, `e0000005` exactly one, and `example` everyone.
 */

const AL_FIRST = ['Alice', 'Alan', 'Albert', 'Alma', 'Alfred', 'Alex', 'Alba', 'Aldo'];
const OTHER_FIRST = ['Beatrice', 'Carl', 'Dora', 'Emil', 'Frida', 'Gustav', 'Hanna', 'Ivo', 'Judith', 'Kurt'];
const LAST = [
  'Berg',
  'Cohen',
  'Diaz',
  'Ek',
  'Fischer',
  'Garcia',
  'Holm',
  'Ito',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Moreau',
];

/** The name and address of member `i` of an organization labelled `label`. */
export function largeMember(label: string, i: number): { sub: string; email: string; name: string } {
  const first = i % 2 === 0 ? AL_FIRST[(i >> 1) % AL_FIRST.length] : OTHER_FIRST[(i >> 1) % OTHER_FIRST.length];
  const last = LAST[Math.floor(i / 7) % LAST.length];
  const id = `e${String(i).padStart(7, '0')}`;
  return {
    sub: `seed|${label}-${id}`,
    email: `${first}.${last}.${id}@${label}.example`.toLowerCase(),
    name: `${first} ${last}`,
  };
}

export interface LargeOrganization {
  organizationId: string;
  workspaceIds: string[];
  domainIds: string[];
}

/** Memberships written per transaction (each holds the organization's lock for its batch). */
const BATCH = 5000;

/**
 * Adds `members` people to an existing organization (whose first member, the ADMIN, is already
 * in): user rows in multi-row INSERTs, then their organization memberships in batches through
 * `insertMemberships`, then a few members in each given workspace and domain. Joining times are a
 * second apart from `start`, in order.
 */
export async function addLargeMembership(
  db: DataSource,
  options: {
    label: string;
    organizationId: string;
    members: number;
    workspaces: { id: string; domainIds: string[] }[];
    start: Date;
    onProgress?: (done: number) => void;
  },
): Promise<void> {
  const { label, organizationId, members, start } = options;
  const at = (i: number) => new Date(start.getTime() + i * 1000);
  const organization: ScopeRef = { kind: ScopeKind.ORGANIZATION, organizationId };
  const lock = (work: Parameters<typeof withOrganizationLock>[2]) =>
    withOrganizationLock(db, organizationId, work, () => new Error(`organization ${organizationId} is gone`));
  const membership = (i: number, scope: ScopeRef, role: Role): Membership => {
    const person = largeMember(label, i);
    return Object.assign(new Membership(), {
      id: crypto.randomUUID(),
      userId: person.sub,
      ...scopeColumns(scope),
      role,
      expiresAt: null,
      ...memberOrderKeys(person.email, person.name),
      provisioned: false,
      createdAt: at(i),
      updatedAt: at(i),
    });
  };

  for (let from = 1; from < members; from += BATCH) {
    const to = Math.min(members, from + BATCH);
    await lock(async (em) => {
      for (let i = from; i < to; i += 1000) {
        const rows = [];
        for (let j = i; j < Math.min(to, i + 1000); j++) {
          const person = largeMember(label, j);
          rows.push(person.sub, person.email, 1, person.name, toSqlDateTime(at(j)), toSqlDateTime(at(j)));
        }
        await em.query(
          `INSERT INTO users (id, email, email_verified, display_name, created_at, updated_at) VALUES ${Array(
            rows.length / 6,
          )
            .fill('(?, ?, ?, ?, ?, ?)')
            .join(', ')}`,
          rows,
        );
      }
      const batch: Membership[] = [];
      for (let i = from; i < to; i++)
        batch.push(membership(i, organization, i % 50 === 1 ? Role.ACCOUNTING : Role.MEMBER));
      await insertMemberships(em, batch);
    });
    options.onProgress?.(to);
  }

  // A few people in each workspace (an ADMIN first) and each domain: they are organization members already.
  await lock(async (em) => {
    const inner: Membership[] = [];
    options.workspaces.forEach((workspace, w) => {
      const scope: ScopeRef = { kind: ScopeKind.WORKSPACE, organizationId, workspaceId: workspace.id };
      for (let k = 0; k < Math.min(4, members - 1); k++) {
        inner.push(membership(1 + ((w * 4 + k) % (members - 1)), scope, k === 0 ? Role.ADMIN : Role.MEMBER));
      }
      workspace.domainIds.forEach((domainId, d) => {
        const domain: ScopeRef = { kind: ScopeKind.DOMAIN, organizationId, workspaceId: workspace.id, domainId };
        for (let k = 0; k < Math.min(2, members - 1); k++) {
          inner.push(membership(1 + ((w * 10 + d * 2 + k + 7) % (members - 1)), domain, Role.MEMBER));
        }
      });
    });
    // One person holds one role per scope: the same index twice in one scope is kept once.
    const seen = new Set<string>();
    await insertMemberships(
      em,
      inner.filter((m) => !seen.has(`${m.scopeId}:${m.userId}`) && seen.add(`${m.scopeId}:${m.userId}`)),
    );
  });
}
