import { OrganizationProvisioningDocument, WorkspaceProvisionedMembersDocument } from '../../generated/graphql';
import { describeOnEachDatabase } from '../../support/each-database';
import { createDomain, createWorkspace } from '../../support/factories';
import { GROUP, PATCH, USER, user, useScimServer } from './scim-support';

/** docs/domain-rules.md §15: what Microsoft Entra ID and Okta send, in their order, and groups as workspaces. */
describeOnEachDatabase('SCIM provisioning: the directories’ sequences', (kind) => {
  const { h, state, scim, directory, signedIn } = useScimServer(kind);

  it('follows the sequence Microsoft Entra ID sends', async () => {
    const dir = await directory('entra');
    state.token = dir.token;
    const person = await signedIn('entraperson', dir);
    // Entra looks for the user before creating it.
    const lookup = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${person.email}"`)}`);
    expect([lookup.status, lookup.body.totalResults, lookup.body.Resources]).toEqual([200, 0, []]);
    const created = await scim('POST', '/Users', {
      schemas: [USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: person.email,
      active: true,
      displayName: 'Entra Person',
      emails: [{ primary: true, type: 'work', value: person.email }],
      meta: { resourceType: 'User' },
      name: { formatted: 'Entra Person', familyName: 'Person', givenName: 'Entra' },
      roles: [{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value: 'MEMBER' }],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Finance', employeeNumber: '42' },
    });
    expect(created.status).toBe(201);
    expect(created.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toEqual({
      department: 'Finance',
      employeeNumber: '42',
    });
    const id = created.body.id;
    // Capitalised ops, a value-filtered path, a path-less object, a role by its primary flag.
    const updated = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: person.email },
        { op: 'Replace', path: 'name.familyName', value: 'Updated' },
        { op: 'Add', value: { displayName: 'Entra Updated', title: 'Controller' } },
        { op: 'Replace', path: 'roles[primary eq "True"].value', value: 'ACCOUNTING' },
      ],
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      displayName: 'Entra Updated',
      title: 'Controller',
      name: { familyName: 'Updated' },
      roles: [{ value: 'ACCOUNTING', primary: true }],
    });
    const member = async () =>
      (
        await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)
      ).data?.organization?.members?.nodes.find((m) => m.user.id === person.sub);
    expect((await member())?.role).toBe('ACCOUNTING');
    // Soft delete: active as the string "False".
    const disabled = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect([disabled.status, disabled.body.active, await member()]).toEqual([200, false, undefined]);
    await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', value: { active: 'True' } }],
    });
    expect((await member())?.role).toBe('ACCOUNTING');
    // Groups: looked up without members, created, members added and removed by value lists.
    const none = await scim(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Finance"')}`,
    );
    expect(none.body.totalResults).toBe(0);
    const group = await scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Finance',
      externalId: 'g-fin',
      members: [],
    });
    expect([group.status, group.location]).toEqual([201, `${state.base}/scim/v2/Groups/${group.body.id}`]);
    const add = await scim('PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: id }] }],
    });
    expect(add.body.members.map((m: { value: string }) => m.value)).toEqual([id]);
    const workspaceMembers = async () =>
      (await h.run(WorkspaceProvisionedMembersDocument, { id: group.body.id }, dir.admin)).data?.workspace?.members
        ?.nodes ?? [];
    expect(await workspaceMembers()).toEqual([{ role: 'MEMBER', provisioned: true, user: { id: person.sub } }]);
    const found = await scim(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('externalId eq "g-fin"')}`,
    );
    expect([found.body.totalResults, found.body.Resources[0].members]).toEqual([1, undefined]);
    const remove = await scim('PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: id }] }],
    });
    expect([remove.status, remove.body.members]).toEqual([200, []]);
    expect(await workspaceMembers()).toEqual([]);
  });

  it('follows the sequence Okta sends', async () => {
    const dir = await directory('okta');
    state.token = dir.token;
    const alice = await signedIn('oktaalice', dir);
    const bob = await signedIn('oktabob', dir);
    const ids: string[] = [];
    for (const person of [alice, bob]) {
      const lookup = await scim(
        'GET',
        `/Users?filter=${encodeURIComponent(`userName eq "${person.email}"`)}&startIndex=1&count=100`,
      );
      expect(lookup.body.totalResults).toBe(0);
      ids.push((await scim('POST', '/Users', user(person.email, { locale: 'en-US', groups: [] }))).body.id);
    }
    // Okta updates a user with PUT of the whole resource.
    const current = (await scim('GET', `/Users/${ids[0]}`)).body;
    const put = await scim('PUT', `/Users/${ids[0]}`, {
      ...current,
      name: { givenName: 'Alice', familyName: 'Renamed' },
      displayName: 'Alice Renamed',
    });
    expect([put.status, put.body.displayName, put.body.id]).toEqual([200, 'Alice Renamed', ids[0]]);
    // A group with Alice; then one request removes her and adds Bob.
    const group = (
      await scim('POST', '/Groups', {
        schemas: [GROUP],
        displayName: 'Okta group',
        members: [{ value: ids[0], display: alice.email }],
      })
    ).body;
    const swapped = await scim('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'remove', path: `members[value eq "${ids[0]}"]` },
        { op: 'add', path: 'members', value: [{ value: ids[1], display: bob.email }] },
      ],
    });
    expect(swapped.body.members.map((m: { value: string }) => m.value)).toEqual([ids[1]]);
    const inWorkspace = (
      await h.run(WorkspaceProvisionedMembersDocument, { id: group.id }, dir.admin)
    ).data?.workspace?.members?.nodes.map((m) => m.user.id);
    expect(inWorkspace).toEqual([bob.sub]);
    // Renaming the group renames the workspace.
    await scim('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { id: group.id, displayName: 'Renamed group' } }],
    }).then((r) => expect(r.body.scimType).toBe('mutability'));
    expect(
      (
        await scim('PATCH', `/Groups/${group.id}`, {
          schemas: [PATCH],
          Operations: [{ op: 'replace', value: { displayName: 'Renamed group' } }],
        })
      ).body.displayName,
    ).toBe('Renamed group');
    // Deactivation: PATCH active false.
    const off = await scim('PATCH', `/Users/${ids[1]}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(off.body.active).toBe(false);
    const members = (
      await h.run(OrganizationProvisioningDocument, { id: dir.organization.id }, dir.admin)
    ).data?.organization?.members?.nodes.map((m) => m.user.id);
    expect(members).toEqual(expect.not.arrayContaining([bob.sub]));
    expect(members).toEqual(expect.arrayContaining([alice.sub]));
  });

  it('deletes a group only without domains; a workspace deleted in the app leaves the list', async () => {
    const dir = await directory('groups');
    state.token = dir.token;
    const kept = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'With domains' })).body;
    await createDomain(h, dir.admin, kept.id, 'app.groups.example');
    const refused = await scim('DELETE', `/Groups/${kept.id}`);
    expect([refused.status, refused.body.scimType]).toEqual([409, 'mutability']);
    const gone = (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Empty' })).body;
    expect((await scim('DELETE', `/Groups/${gone.id}`)).status).toBe(204);
    expect((await scim('GET', `/Groups/${gone.id}`)).status).toBe(404);
    const inApp = await createWorkspace(h, dir.admin, dir.organization.id, 'Made in the app');
    expect((await scim('GET', '/Groups')).body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual([
      'With domains',
      'Made in the app',
    ]);
    expect(
      (await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Bad', members: [{ value: inApp.id }] })).body
        .scimType,
    ).toBe('invalidValue');
  });
});
