import { Role, ScopeKind } from '../../src/domain/enums';
import { type ScopeRef } from '../../src/domain/scope';
import { withOrganizationLock } from '../../src/db/transaction';
import { systemActor } from '../../src/services/audit/audit.service';
import { scopeOf } from '../../src/request/factory';
import { type RequestScope, SYSTEM } from '../../src/request/scope';
import { grantMembership } from '../../src/services/memberships/membership-grants';
import {
  CreateDomainDocument,
  CreateOrganizationDocument,
  CreateWorkspaceDocument,
  InviteMemberDocument,
} from '../generated/graphql';
import type { Harness, Person } from './harness';

/** Makes sure the person's user record exists, the way the server does it: from a verified token. */
export async function signIn(h: Harness, person: Person): Promise<void> {
  await h.app.contextFor(`Bearer ${person.token}`);
}

function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`factory could not create ${what}`);
  return value;
}

export async function createOrganization(h: Harness, admin: Person, name = 'Acme') {
  const result = await h.run(CreateOrganizationDocument, { input: { name } }, admin);
  return must(result.data?.createOrganization, `organization (${JSON.stringify(result.errors)})`);
}

export async function createWorkspace(h: Harness, admin: Person, organizationId: string, name = 'Web') {
  const result = await h.run(CreateWorkspaceDocument, { input: { organizationId, name } }, admin);
  return must(result.data?.createWorkspace, `workspace (${JSON.stringify(result.errors)})`);
}

export async function createDomain(h: Harness, admin: Person, workspaceId: string, hostname: string) {
  const result = await h.run(CreateDomainDocument, { input: { workspaceId, hostname } }, admin);
  return must(result.data?.createDomain, `domain (${JSON.stringify(result.errors)})`);
}

/** The scope of a command run by an operator (`npm run erase-user`, `npm run grant-admin`), at the harness's clock. */
export function systemScope(h: Harness): RequestScope {
  return scopeOf({ db: h.database.db, config: h.config }, SYSTEM);
}

/** Gives a person a role directly (the invitation flow is tested on its own). */
export async function addMember(h: Harness, person: Person, scope: ScopeRef, role: Role): Promise<void> {
  await signIn(h, person);
  await withOrganizationLock(
    h.database.db,
    scope.organizationId,
    (em) => grantMembership(em, systemActor(h.config.clock.now()), person.sub, scope, role),
    () => new Error('no such organization'),
  );
}

export const PERSONAS = [
  'anonymous',
  'outsider',
  'orgAdmin',
  'orgAccounting',
  'orgMember',
  'wsAdmin',
  'wsMember',
  'domainAdmin',
  'domainMember',
] as const;
export type Persona = (typeof PERSONAS)[number];

/**
 * One organization with everything the permission tests need: workspace W1 holding domains D1
 * and D1b, workspace W2 holding D2, and one person per role at each scope (held in W1 and D1).
 * The outsider is an ADMIN of another organization.
 */
export async function createWorld(h: Harness) {
  const people = {
    outsider: await h.person('outsider'),
    orgAdmin: await h.person('org-admin'),
    orgAccounting: await h.person('org-accounting'),
    orgMember: await h.person('org-member'),
    wsAdmin: await h.person('ws-admin'),
    wsMember: await h.person('ws-member'),
    domainAdmin: await h.person('domain-admin'),
    domainMember: await h.person('domain-member'),
  };
  const organization = await createOrganization(h, people.orgAdmin, 'Acme');
  const otherOrganization = await createOrganization(h, people.outsider, 'Elsewhere');
  const w1 = await createWorkspace(h, people.orgAdmin, organization.id, 'W1');
  const w2 = await createWorkspace(h, people.orgAdmin, organization.id, 'W2');
  const d1 = await createDomain(h, people.orgAdmin, w1.id, 'd1.example.com');
  const d1b = await createDomain(h, people.orgAdmin, w1.id, 'd1b.example.com');
  const d2 = await createDomain(h, people.orgAdmin, w2.id, 'd2.example.com');

  const org: ScopeRef = { kind: ScopeKind.ORGANIZATION, organizationId: organization.id };
  const ws: ScopeRef = { kind: ScopeKind.WORKSPACE, organizationId: organization.id, workspaceId: w1.id };
  const dom: ScopeRef = {
    kind: ScopeKind.DOMAIN,
    organizationId: organization.id,
    workspaceId: w1.id,
    domainId: d1.id,
  };
  await addMember(h, people.orgAccounting, org, Role.ACCOUNTING);
  await addMember(h, people.orgMember, org, Role.MEMBER);
  await addMember(h, people.wsAdmin, ws, Role.ADMIN);
  await addMember(h, people.wsMember, ws, Role.MEMBER);
  await addMember(h, people.domainAdmin, dom, Role.ADMIN);
  await addMember(h, people.domainMember, dom, Role.MEMBER);

  return {
    people,
    as: (persona: Persona): Person | null => (persona === 'anonymous' ? null : people[persona]),
    organization,
    otherOrganization,
    w1,
    w2,
    d1,
    d1b,
    d2,
  };
}

export type World = Awaited<ReturnType<typeof createWorld>>;

/** The ScopeInput for a world's scope. */
export const scopeInput = {
  organization: (w: World) => ({ organizationId: w.organization.id }),
  workspace: (w: World) => ({ workspaceId: w.w1.id }),
  domain: (w: World) => ({ domainId: w.d1.id }),
};

/**
 * The token of the newest email queued for an invitation, read from the outbox (the only place
 * it exists before the email goes out). The SMTP tests read it from the delivered email instead.
 */
export async function queuedToken(h: Harness, invitationId: string): Promise<string> {
  const [row] = await h.database.db.query(
    "SELECT text_body FROM outbox_emails WHERE invitation_id = ? AND status = 'PENDING' ORDER BY created_at DESC",
    [invitationId],
  );
  const match = /token=([A-Za-z0-9_-]+)/.exec(row?.text_body ?? '');
  if (!match) throw new Error(`no queued email for invitation ${invitationId}`);
  return match[1];
}

/** Invites `email` as `admin` and returns the invitation with its link's token. */
export async function invite(
  h: Harness,
  admin: Person,
  scope: { organizationId?: string; workspaceId?: string; domainId?: string },
  email: string,
  role: 'ADMIN' | 'ACCOUNTING' | 'MEMBER' = 'MEMBER',
) {
  const result = await h.run(InviteMemberDocument, { input: { scope, email, role } }, admin);
  const invitation = must(result.data?.inviteMember, `invitation (${JSON.stringify(result.errors)})`);
  return { invitation, token: await queuedToken(h, invitation.id) };
}
