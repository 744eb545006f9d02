import {
  CreateDomainDocument,
  CreateOrganizationDocument,
  CreateWorkspaceDocument,
  DeleteDomainDocument,
  DomainDocument,
  MeDocument,
  OrganizationDocument,
  OrganizationWorkspacesDocument,
  UpdateDomainDocument,
  UpdateOrganizationDocument,
  UpdateWorkspaceDocument,
  WorkspaceDocument,
  WorkspaceDomainsDocument,
} from '../generated/graphql';
import { errorCodes } from '../support/harness';
import { describeOnEachDatabase, useHarness, useWorld } from '../support/each-database';

/** Bad input gets BAD_USER_INPUT naming the field, or NOT_FOUND for ids, and changes nothing. */
describeOnEachDatabase('bad input', (kind) => {
  const h = useHarness(kind);
  const world = useWorld(h);

  const BAD_NAMES = ['', '   ', 'x'.repeat(101), 'tab\tinside'];
  const BAD_HOSTNAMES = [
    '',
    'localhost',
    'not a host.com',
    '-bad.example.com',
    `${'a'.repeat(64)}.com`,
    `${'a.'.repeat(127)}com`,
    'ex_ample.com',
  ];
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';

  const snapshot = async () => {
    const admin = world.people.orgAdmin;
    const [org, workspaces, domains, me] = await Promise.all([
      h.run(OrganizationDocument, { id: world.organization.id }, admin),
      h.run(OrganizationWorkspacesDocument, { id: world.organization.id }, admin),
      h.run(WorkspaceDomainsDocument, { id: world.w1.id }, admin),
      h.run(MeDocument, {}, admin),
    ]);
    return {
      name: org.data?.organization?.name,
      workspaces: workspaces.data?.organization?.workspaces.map((w) => w.name).sort(),
      domains: domains.data?.workspace?.domains.map((d) => d.hostname).sort(),
      organizations: me.data?.me?.organizations?.totalCount,
    };
  };

  it.each(BAD_NAMES)('name %j is refused everywhere, and nothing changes', async (name) => {
    const before = await snapshot();
    const admin = world.people.orgAdmin;
    const results = [
      await h.run(CreateOrganizationDocument, { input: { name } }, admin),
      await h.run(UpdateOrganizationDocument, { id: world.organization.id, input: { name } }, admin),
      await h.run(CreateWorkspaceDocument, { input: { organizationId: world.organization.id, name } }, admin),
      await h.run(UpdateWorkspaceDocument, { id: world.w1.id, input: { name } }, admin),
    ];
    for (const result of results) {
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions?.field).toBe('name');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a name of null is refused; a name left out changes nothing', async () => {
    const admin = world.people.orgAdmin;
    const refused = await h.run(
      UpdateOrganizationDocument,
      { id: world.organization.id, input: { name: null } },
      admin,
    );
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    const untouched = await h.run(UpdateOrganizationDocument, { id: world.organization.id, input: {} }, admin);
    expect(untouched.data?.updateOrganization.name).toBe('Acme');
  });

  it.each(BAD_HOSTNAMES)('hostname %j is refused, and nothing changes', async (hostname) => {
    const before = await snapshot();
    const admin = world.people.orgAdmin;
    for (const result of [
      await h.run(CreateDomainDocument, { input: { workspaceId: world.w1.id, hostname } }, admin),
      await h.run(UpdateDomainDocument, { id: world.d1.id, input: { hostname } }, admin),
    ]) {
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
      expect(result.errors?.[0].extensions?.field).toBe('hostname');
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a hostname already used in the workspace is refused, in any letter case; another workspace may use it', async () => {
    const admin = world.people.orgAdmin;
    const duplicate = await h.run(
      CreateDomainDocument,
      { input: { workspaceId: world.w1.id, hostname: 'D1.Example.com' } },
      admin,
    );
    expect(errorCodes(duplicate)).toEqual(['BAD_USER_INPUT']);
    const renamed = await h.run(
      UpdateDomainDocument,
      { id: world.d1b.id, input: { hostname: 'd1.example.com' } },
      admin,
    );
    expect(errorCodes(renamed)).toEqual(['BAD_USER_INPUT']);
    const elsewhere = await h.run(
      CreateDomainDocument,
      { input: { workspaceId: world.w2.id, hostname: 'd1.example.com' } },
      admin,
    );
    expect(elsewhere.errors).toBeUndefined();
    expect(elsewhere.data?.createDomain.hostname).toBe('d1.example.com');
  });

  it.each([UNKNOWN, 'not-a-uuid', ''])('unknown id %j is NOT_FOUND for reads and writes', async (id) => {
    const before = await snapshot();
    const admin = world.people.orgAdmin;
    const results = [
      await h.run(OrganizationDocument, { id }, admin),
      await h.run(WorkspaceDocument, { id }, admin),
      await h.run(DomainDocument, { id }, admin),
      await h.run(UpdateOrganizationDocument, { id, input: { name: 'X' } }, admin),
      await h.run(CreateWorkspaceDocument, { input: { organizationId: id, name: 'X' } }, admin),
      await h.run(CreateDomainDocument, { input: { workspaceId: id, hostname: 'x.example.com' } }, admin),
      await h.run(DeleteDomainDocument, { id }, admin),
    ];
    for (const result of results) expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(await snapshot()).toEqual(before);
  });

  it('a value of the wrong type is refused before anything runs', async () => {
    const result = await h.run(OrganizationDocument, { id: 42 as unknown as string }, world.people.orgAdmin);
    // graphql-js coerces an Int to ID, so use a structurally wrong value too.
    const wrong = await h.run(
      OrganizationDocument,
      { id: { nested: true } as unknown as string },
      world.people.orgAdmin,
    );
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
    expect(errorCodes(wrong)).toEqual(['BAD_USER_INPUT']);
  });
});
