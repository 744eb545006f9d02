import {
  CreateDomainDocument,
  CreateOrganizationDocument,
  CreateWorkspaceDocument,
  DeleteDomainDocument,
  DeleteOrganizationDocument,
  DeleteWorkspaceDocument,
  DomainDocument,
  DomainMembersDocument,
  EntitiesDocument,
  MeDocument,
  OrganizationDocument,
  OrganizationMembersDocument,
  OrganizationWorkspacesDocument,
  UpdateDomainDocument,
  UpdateOrganizationDocument,
  UpdateWorkspaceDocument,
  WorkspaceDocument,
  WorkspaceDomainsDocument,
  WorkspaceMembersDocument,
} from '../generated/graphql';
import { TEST_DATABASES } from '../support/databases';
import { createWorld, PERSONAS, type Persona, type World } from '../support/factories';
import { createHarness, type Harness, type OperationResult } from '../support/harness';

/**
 * Every operation of the foundation × every kind of caller, with the outcome SPEC §2 and §5
 * give, written out by hand (not computed from the code's own table).
 *
 * Outcomes: `ok` (data, no error), `null` (no error, no object: `_entities` for something the
 * caller may not see), or the `extensions.code` of the first error.
 *
 * Columns: anonymous, outsider, org ADMIN, org ACCOUNTING, org MEMBER, workspace ADMIN,
 * workspace MEMBER, domain ADMIN, domain MEMBER (workspace roles held in W1, domain roles in D1).
 */
type Outcome = 'ok' | 'null' | 'UNAUTHENTICATED' | 'NOT_FOUND' | 'FORBIDDEN';
const U = 'UNAUTHENTICATED';
const N = 'NOT_FOUND';
const F = 'FORBIDDEN';

// prettier-ignore
const READS: Record<string, Outcome[]> = {
  //                        anon  outsider orgAdmin orgAcct orgMember wsAdmin wsMember domAdmin domMember
  'me':                     ['ok', 'ok',    'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'organization':           [U,    N,       'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'Organization.members':   [U,    N,       'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'Organization.workspaces':[U,    N,       'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'workspace W1':           [U,    N,       'ok',    'ok',   N,        'ok',   'ok',    'ok',    'ok'],
  'workspace W2':           [U,    N,       'ok',    'ok',   N,        N,      N,       N,       N],
  'Workspace.members':      [U,    N,       'ok',    F,      N,        'ok',   'ok',    F,       F],
  'Workspace.domains':      [U,    N,       'ok',    'ok',   N,        'ok',   'ok',    'ok',    'ok'],
  'domain D1':              [U,    N,       'ok',    N,      N,        'ok',   'ok',    'ok',    'ok'],
  'domain D1b':             [U,    N,       'ok',    N,      N,        'ok',   'ok',    N,       N],
  'domain D2':              [U,    N,       'ok',    N,      N,        N,      N,       N,       N],
  'Domain.members':         [U,    N,       'ok',    N,      N,        'ok',   'ok',    'ok',    'ok'],
  '_entities Organization': [U,    'null',  'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  '_entities Workspace W1': [U,    'null',  'ok',    'ok',   'null',   'ok',   'ok',    'ok',    'ok'],
  '_entities Domain D1':    [U,    'null',  'ok',    'null', 'null',   'ok',   'ok',    'ok',    'ok'],
  '_entities User':         [U,    'null',  'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
};

// prettier-ignore
const WRITES: Record<string, Outcome[]> = {
  //                        anon  outsider orgAdmin orgAcct orgMember wsAdmin wsMember domAdmin domMember
  'createOrganization':     [U,    'ok',    'ok',    'ok',   'ok',     'ok',   'ok',    'ok',    'ok'],
  'updateOrganization':     [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  'deleteOrganization':     [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  'createWorkspace':        [U,    N,       'ok',    F,      F,        F,      F,       F,       F],
  'updateWorkspace':        [U,    N,       'ok',    F,      N,        'ok',   F,       F,       F],
  'deleteWorkspace':        [U,    N,       'ok',    F,      N,        F,      F,       F,       F],
  'createDomain':           [U,    N,       'ok',    F,      N,        'ok',   F,       F,       F],
  'updateDomain':           [U,    N,       'ok',    N,      N,        'ok',   F,       'ok',    F],
  'deleteDomain':           [U,    N,       'ok',    N,      N,        'ok',   F,       'ok',    F],
};

type Run = (h: Harness, w: World, persona: Persona) => Promise<OperationResult<unknown>>;

function outcome(result: OperationResult<unknown>, pick?: (data: any) => unknown): Outcome {
  const code = result.errors?.[0]?.extensions?.code;
  if (code) return code as Outcome;
  if (pick && (pick(result.data) === null || pick(result.data) === undefined)) return 'null';
  return 'ok';
}

const entity =
  (typename: string, id: (w: World) => string): Run =>
  (h, w, p) =>
    h.run(EntitiesDocument, { representations: [{ __typename: typename, id: id(w) }] }, w.as(p));

const readOps: Record<string, { run: Run; pick?: (data: any) => unknown }> = {
  me: { run: (h, w, p) => h.run(MeDocument, {}, w.as(p)) },
  organization: { run: (h, w, p) => h.run(OrganizationDocument, { id: w.organization.id }, w.as(p)) },
  'Organization.members': { run: (h, w, p) => h.run(OrganizationMembersDocument, { id: w.organization.id }, w.as(p)) },
  'Organization.workspaces': {
    run: (h, w, p) => h.run(OrganizationWorkspacesDocument, { id: w.organization.id }, w.as(p)),
  },
  'workspace W1': { run: (h, w, p) => h.run(WorkspaceDocument, { id: w.w1.id }, w.as(p)) },
  'workspace W2': { run: (h, w, p) => h.run(WorkspaceDocument, { id: w.w2.id }, w.as(p)) },
  'Workspace.members': { run: (h, w, p) => h.run(WorkspaceMembersDocument, { id: w.w1.id }, w.as(p)) },
  'Workspace.domains': { run: (h, w, p) => h.run(WorkspaceDomainsDocument, { id: w.w1.id }, w.as(p)) },
  'domain D1': { run: (h, w, p) => h.run(DomainDocument, { id: w.d1.id }, w.as(p)) },
  'domain D1b': { run: (h, w, p) => h.run(DomainDocument, { id: w.d1b.id }, w.as(p)) },
  'domain D2': { run: (h, w, p) => h.run(DomainDocument, { id: w.d2.id }, w.as(p)) },
  'Domain.members': { run: (h, w, p) => h.run(DomainMembersDocument, { id: w.d1.id }, w.as(p)) },
  '_entities Organization': { run: entity('Organization', (w) => w.organization.id), pick: (d) => d._entities[0] },
  '_entities Workspace W1': { run: entity('Workspace', (w) => w.w1.id), pick: (d) => d._entities[0] },
  '_entities Domain D1': { run: entity('Domain', (w) => w.d1.id), pick: (d) => d._entities[0] },
  '_entities User': { run: entity('User', (w) => w.people.orgAdmin.sub), pick: (d) => d._entities[0] },
};

/** What each write does, and how to see from the admin's side whether it happened. */
const writeOps: Record<string, { run: Run; happened: (h: Harness, w: World) => Promise<boolean> }> = {
  createOrganization: {
    run: (h, w, p) => h.run(CreateOrganizationDocument, { input: { name: 'Created' } }, w.as(p)),
    happened: async () => true, // checked through the result itself (a new organization)
  },
  updateOrganization: {
    run: (h, w, p) => h.run(UpdateOrganizationDocument, { id: w.organization.id, input: { name: 'Renamed' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(OrganizationDocument, { id: w.organization.id }, w.people.orgAdmin)).data?.organization?.name ===
      'Renamed',
  },
  deleteOrganization: {
    run: (h, w, p) => h.run(DeleteOrganizationDocument, { id: w.organization.id }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(OrganizationDocument, { id: w.organization.id }, w.people.orgAdmin)).data?.organization === null,
  },
  createWorkspace: {
    run: (h, w, p) =>
      h.run(CreateWorkspaceDocument, { input: { organizationId: w.organization.id, name: 'New' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(OrganizationWorkspacesDocument, { id: w.organization.id }, w.people.orgAdmin)).data?.organization
        ?.workspaces.length === 3,
  },
  updateWorkspace: {
    run: (h, w, p) => h.run(UpdateWorkspaceDocument, { id: w.w1.id, input: { name: 'Renamed' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(WorkspaceDocument, { id: w.w1.id }, w.people.orgAdmin)).data?.workspace?.name === 'Renamed',
  },
  deleteWorkspace: {
    run: (h, w, p) => h.run(DeleteWorkspaceDocument, { id: w.w1.id }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(WorkspaceDocument, { id: w.w1.id }, w.people.orgAdmin)).data?.workspace === null,
  },
  createDomain: {
    run: (h, w, p) =>
      h.run(CreateDomainDocument, { input: { workspaceId: w.w1.id, hostname: 'new.example.com' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(WorkspaceDomainsDocument, { id: w.w1.id }, w.people.orgAdmin)).data?.workspace?.domains.length === 3,
  },
  updateDomain: {
    run: (h, w, p) => h.run(UpdateDomainDocument, { id: w.d1.id, input: { hostname: 'renamed.example.com' } }, w.as(p)),
    happened: async (h, w) =>
      (await h.run(DomainDocument, { id: w.d1.id }, w.people.orgAdmin)).data?.domain?.hostname ===
      'renamed.example.com',
  },
  deleteDomain: {
    run: (h, w, p) => h.run(DeleteDomainDocument, { id: w.d1.id }, w.as(p)),
    happened: async (h, w) => (await h.run(DomainDocument, { id: w.d1.id }, w.people.orgAdmin)).data?.domain === null,
  },
};

const cases = (table: Record<string, Outcome[]>) =>
  Object.entries(table).flatMap(([op, row]) => PERSONAS.map((persona, i) => [op, persona, row[i]] as const));

describe.each(TEST_DATABASES)('permission matrix on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(() => h.close());

  it('covers every operation of the foundation and every persona', () => {
    expect(Object.keys(readOps).sort()).toEqual(Object.keys(READS).sort());
    expect(Object.keys(writeOps).sort()).toEqual(Object.keys(WRITES).sort());
    for (const row of [...Object.values(READS), ...Object.values(WRITES)]) expect(row).toHaveLength(PERSONAS.length);
  });

  describe('reads', () => {
    let world: World;
    beforeAll(async () => {
      world = await createWorld(h);
    });

    it.each(cases(READS))('%s as %s → %s', async (op, persona, expected) => {
      const { run, pick } = readOps[op];
      const result = await run(h, world, persona);
      expect(outcome(result, pick)).toBe(expected);
      if (op === 'me') {
        const me = (result.data as { me: { id: string } | null }).me;
        expect(me?.id ?? null).toBe(
          persona === 'anonymous' ? null : world.people[persona as Exclude<Persona, 'anonymous'>].sub,
        );
      }
    });
  });

  describe('writes (a fresh world for each case)', () => {
    it.each(cases(WRITES))('%s as %s → %s', async (op, persona, expected) => {
      const world = await createWorld(h);
      const { run, happened } = writeOps[op];
      const result = await run(h, world, persona);
      expect(outcome(result)).toBe(expected);
      if (expected === 'ok') {
        expect(result.errors).toBeUndefined();
        expect(await happened(h, world)).toBe(true);
      } else {
        // A refused write changes nothing.
        if (op !== 'createOrganization') expect(await happened(h, world)).toBe(false);
        expect(result.data).toBeNull();
      }
    });
  });
});
