import { LeaveOrganizationDocument } from '../../generated/graphql';
import { createWorld } from '../../support/factories';
import { errorCodes, type Person } from '../../support/harness';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';

/**
 * The people an audit log names, found by name or address (docs/domain-rules.md §12): what the
 * log's person filter offers, former members included, to the log's readers only.
 */
describeOnEachDatabase('the people an audit log names', (kind) => {
  const h = useHarness(kind);

  const PEOPLE = (type: 'organization' | 'workspace') => `query($id: ID!, $search: String, $first: Int) {
    ${type}(id: $id) { auditLogPeople(search: $search, first: $first) { id email displayName } } }`;

  async function find(type: 'organization' | 'workspace', id: string, who: Person, search?: string, first?: number) {
    const result = await h.run(PEOPLE(type) as never, { id, search, first }, who);
    const people = (result.data as any)?.[type]?.auditLogPeople as { id: string }[] | null | undefined;
    return { ids: people?.map((p) => p.id) ?? null, codes: errorCodes(result), people };
  }

  it('finds who left by a part of their name or address, folded; never someone the log does not name', async () => {
    const world = await createWorld(h);
    const { orgAdmin: admin, orgMember: leaver, outsider } = world.people;
    const organizationId = world.organization.id;
    expect(errorCodes(await h.run(LeaveOrganizationDocument, { organizationId }, leaver))).toEqual([]);

    // By a part of the address, and by the name in another case.
    const byAddress = await find('organization', organizationId, admin, leaver.email.slice(4, 16));
    expect(byAddress.codes).toEqual([]);
    expect(byAddress.people).toEqual([{ id: leaver.sub, email: leaver.email, displayName: leaver.name }]);
    expect((await find('organization', organizationId, admin, leaver.name.toUpperCase())).ids).toEqual([leaver.sub]);
    // The outsider is in no event of this organization: never found, though they exist.
    expect((await find('organization', organizationId, admin, outsider.email)).ids).toEqual([]);
    // `%` is a character like any other.
    expect((await find('organization', organizationId, admin, '%')).ids).toEqual([]);
    // Nothing searched: everyone named, at most `first`.
    const everyone = (await find('organization', organizationId, admin)).ids!;
    expect(everyone).toEqual(
      expect.arrayContaining([leaver.sub, world.people.wsMember.sub, world.people.orgAccounting.sub]),
    );
    expect(everyone).not.toContain(outsider.sub);
    expect((await find('organization', organizationId, admin, undefined, 2)).ids).toHaveLength(2);
    expect((await find('organization', organizationId, admin, undefined, 101)).codes).toEqual(['BAD_USER_INPUT']);
  });

  it('answers only who may read the log: FORBIDDEN to members without READ_AUDIT_LOG, NOT_FOUND to outsiders', async () => {
    const world = await createWorld(h);
    const { orgAccounting, wsAdmin, wsMember, outsider } = world.people;
    const organizationId = world.organization.id;
    for (const who of [orgAccounting, wsAdmin]) {
      const refused = await find('organization', organizationId, who, wsMember.email);
      expect([refused.codes, refused.people ?? null]).toEqual([['FORBIDDEN'], null]);
    }
    const outside = await find('organization', organizationId, outsider, wsMember.email);
    expect([outside.codes, outside.people ?? null]).toEqual([['NOT_FOUND'], null]);
    // A workspace's Admin finds the people of their workspace's log.
    expect((await find('workspace', world.w1.id, wsAdmin, wsMember.email)).ids).toEqual([wsMember.sub]);
    expect((await find('workspace', world.w1.id, wsMember, wsMember.email)).codes).toEqual(['FORBIDDEN']);
  });
});
