import { signDevelopmentToken } from '../../../src/auth/jwt';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { addLargeMembership } from '../../../src/dev/large-organization';
import { searchIndexDrift } from '../../../src/db/membership-rows';
import { describeOnEachDatabase, useHarness } from '../../support/each-database';
import { addMember, createOrganization } from '../../support/factories';
import { errorCodes, type Harness, type Person, TEST_JWT_SECRET } from '../../support/harness';

const SEARCH = `query($id: ID!, $q: String, $first: Int, $after: String, $role: Role, $order: MemberOrder) {
  organization(id: $id) { members(query: $q, first: $first, after: $after, role: $role, orderBy: $order) {
    totalCount totalCountIsLowerBound nodes { user { email displayName } } pageInfo { hasNextPage endCursor } } } }`;

/** Someone with exactly this name and address, signed in (their user record exists). */
async function someone(h: Harness, name: string | null, email: string): Promise<Person> {
  const sub = `search|${email}`;
  const token = await signDevelopmentToken(TEST_JWT_SECRET, { sub, email, ...(name ? { name } : {}) });
  await h.app.contextFor(`Bearer ${token}`);
  return { sub, email, name: name ?? '', token };
}

/** docs/domain-rules.md §3: word-prefix search, the same on every database. */
describeOnEachDatabase('members search', (kind) => {
  const h = useHarness(kind);
  let admin: Person;
  let organizationId: string;

  const PEOPLE: [string | null, string][] = [
    ['Ada Lovelace', 'ada@demo.example'],
    ['Émile Zola', 'emile.zola@lit.example'],
    ['Dave Abbott', 'dave-abc12@corp.example'],
    ['Zoë Ward', 'zoe+news@demo.example'],
    ['Per Cent', '100%off@promo.example'],
    [null, 'nameless_one@demo.example'],
    ['ÅSA ÖBERG', 'asa.oberg@nord.example'],
  ];

  beforeAll(async () => {
    admin = await someone(h, 'Grace Hopper', 'grace@navy.example');
    organizationId = (await createOrganization(h, admin, 'Searchable')).id;
    for (const [name, email] of PEOPLE) {
      await addMember(h, await someone(h, name, email), { kind: ScopeKind.ORGANIZATION, organizationId }, Role.MEMBER);
    }
  });

  async function search(q: string, extra: Record<string, unknown> = {}) {
    const result = await h.run(SEARCH as never, { id: organizationId, q, first: 100, ...extra }, admin);
    expect(result.errors).toBeUndefined();
    const members = (result.data as any).organization.members;
    return {
      emails: (members.nodes as { user: { email: string } }[]).map((n) => n.user.email).sort(),
      total: members.totalCount as number,
      lowerBound: members.totalCountIsLowerBound as boolean,
      members,
    };
  }

  it.each([
    ['émi', ['emile.zola@lit.example']],
    ['EMI', ['emile.zola@lit.example']],
    ['zol', ['emile.zola@lit.example']],
    ['zoe', ['zoe+news@demo.example']],
    ['ZOË', ['zoe+news@demo.example']],
    ['news', ['zoe+news@demo.example']],
    ['lovel', ['ada@demo.example']],
    ['ada@demo', ['ada@demo.example']],
    ['demo', ['ada@demo.example', 'nameless_one@demo.example', 'zoe+news@demo.example']],
    ['dave-ab', ['dave-abc12@corp.example']],
    ['abc', ['dave-abc12@corp.example']],
    ['ada love', ['ada@demo.example']],
    ['love ada', ['ada@demo.example']],
    ['ada zola', []],
    ['bbott', []],
    ['xyzzy', []],
    ['asa öberg', ['asa.oberg@nord.example']],
    ['oberg', ['asa.oberg@nord.example']],
    ['one', ['nameless_one@demo.example']],
    // `%` is a letter like any other, `_` splits words: neither is a wildcard.
    ['100%', ['100%off@promo.example']],
    ['%', []],
    ['lo_ve', []],
    // Separators alone are no word to find: they match nobody.
    ['_', []],
    [' @ ', []],
    ['z', ['emile.zola@lit.example', 'zoe+news@demo.example']],
  ])('%s finds %j', async (q, expected) => {
    const found = await search(q);
    expect(found.emails).toEqual(expected);
    expect([found.total, found.lowerBound]).toEqual([expected.length, false]);
  });

  it('takes 1 to 100 characters; more is BAD_USER_INPUT naming the field', async () => {
    expect((await search('a'.repeat(100))).emails).toEqual([]);
    const long = await h.run(SEARCH as never, { id: organizationId, q: 'a'.repeat(101) }, admin);
    expect([errorCodes(long), long.errors?.[0].extensions?.field]).toEqual([['BAD_USER_INPUT'], 'query']);
  });

  it('combines with the role filter and every order, and its cursors walk the matches without a gap', async () => {
    const grace = await h.run(SEARCH as never, { id: organizationId, q: 'grace', role: 'ADMIN', first: 5 }, admin);
    expect((grace.data as any).organization.members.nodes.map((n: any) => n.user.email)).toEqual([
      'grace@navy.example',
    ]);
    expect((await search('grace', { role: 'MEMBER' })).emails).toEqual([]);
    const all = (await search('example')).emails;
    expect(all).toHaveLength(PEOPLE.length + 1);
    for (const field of ['JOINED_AT', 'NAME', 'EMAIL']) {
      for (const direction of ['ASC', 'DESC']) {
        const order = { field, direction };
        const walked: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page: any = (await search('example', { first: 3, after, order })).members;
          walked.push(...page.nodes.map((n: any) => n.user.email));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        const full = (await search('example', { order })).members.nodes.map((n: any) => n.user.email);
        expect([field, direction, walked]).toEqual([field, direction, full]);
        expect([...walked].sort()).toEqual(all);
      }
    }
    // By name, people without one come last both ways.
    for (const direction of ['ASC', 'DESC']) {
      const byName = (await search('demo', { order: { field: 'NAME', direction } })).members.nodes;
      expect(byName.at(-1).user.email).toBe('nameless_one@demo.example');
    }
  });

  it('follows a person whose name or address changes, in every list at once', async () => {
    const person = await someone(h, 'Temporary Name', 'renamed@demo.example');
    await addMember(h, person, { kind: ScopeKind.ORGANIZATION, organizationId }, Role.MEMBER);
    expect((await search('temporary')).emails).toEqual(['renamed@demo.example']);
    const token = await signDevelopmentToken(TEST_JWT_SECRET, {
      sub: person.sub,
      email: 'renamed@other.example',
      name: 'Katherine Johnson',
    });
    await h.app.contextFor(`Bearer ${token}`);
    expect((await search('temporary')).emails).toEqual([]);
    expect((await search('kath john')).emails).toEqual(['renamed@other.example']);
    expect((await search('other')).emails).toEqual(['renamed@other.example']);
    expect(await searchIndexDrift(h.database.db, organizationId)).toEqual([]);
  });

  it('counts up to 10,000 matches exactly, then says 10,000 and that there are more', async () => {
    const owner = await someone(h, 'Many Members', 'owner@many.example');
    const many = (await createOrganization(h, owner, 'Many')).id;
    await addLargeMembership(h.database.db, {
      label: `many${kind}`,
      organizationId: many,
      members: 10_002,
      workspaces: [],
      start: new Date(Date.UTC(2026, 0, 1)),
    });
    const count = async (q: string) => {
      const result = await h.run(SEARCH as never, { id: many, q, first: 5 }, owner);
      const members = (result.data as any).organization.members;
      return [members.totalCount, members.totalCountIsLowerBound, members.nodes.length];
    };
    // 10 001 people at the organization's address (the owner is elsewhere): more than are counted.
    expect(await count(`many${kind}`)).toEqual([10_000, true, 5]);
    // Half of them have a first name beginning "Al" (member 0, the owner's place, excepted).
    expect(await count('al')).toEqual([5000, false, 5]);
    expect(await count('e0000005')).toEqual([1, false, 1]);
    expect(await count(`al many${kind}`)).toEqual([5000, false, 5]);
    expect(await count('nobody')).toEqual([0, false, 0]);
    expect(await searchIndexDrift(h.database.db, many)).toEqual([]);
  });
});
