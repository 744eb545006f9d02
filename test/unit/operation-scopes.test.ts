import { parse } from 'graphql';
import { rememberingRowsNamer, rowsNamedBy, rowsNamedByRequest } from '../../src/graphql/operation-scopes';

/** docs/domain-rules.md §9: a GraphQL request's organization is found from what its root fields name. */
describe('the rows a GraphQL operation names', () => {
  const A = '00000000-0000-4000-8000-00000000000a';
  const B = '00000000-0000-4000-8000-00000000000b';
  const named = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
    rowsNamedBy(parse(query), operationName, variables);

  it('reads a root field’s id, as a literal or a variable, as a row of that field’s table', () => {
    expect(named(`{ organization(id: "${A}") { id } }`)).toEqual([{ table: 'organizations', id: A }]);
    expect(named('query($id: ID!) { workspace(id: $id) { id } }', { id: A })).toEqual([{ table: 'workspaces', id: A }]);
    expect(
      named('mutation($id: ID!, $n: String!) { updateOrganization(id: $id, input: { name: $n }) { id } }', {
        id: A,
        n: 'x',
      }),
    ).toEqual([{ table: 'organizations', id: A }]);
    expect(named('mutation($id: ID!) { revokeInvitation(id: $id) { id } }', { id: A })).toEqual([
      { table: 'invitations', id: A },
    ]);
  });

  it('reads ids named by their argument or input field, however deep in the input', () => {
    expect(named('mutation($m: ID!) { removeMember(memberId: $m) }', { m: A })).toEqual([
      { table: 'memberships', id: A },
    ]);
    expect(
      named('mutation($input: InviteInput!) { inviteMember(input: $input) { id } }', {
        input: { scope: { workspaceId: A }, email: 'x@example.com' },
      }),
    ).toEqual([{ table: 'workspaces', id: A }]);
    expect(named(`{ explainAccess(scope: { organizationId: "${A}" }, userId: "${B}") { permissions } }`)).toEqual([
      { table: 'organizations', id: A },
    ]);
  });

  it('reads `_entities` representations by their type', () => {
    expect(
      named('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', {
        r: [
          { __typename: 'Domain', id: A },
          { __typename: 'Organization', id: B },
          { __typename: 'User', id: A },
        ],
      }),
    ).toEqual([
      { table: 'domains', id: A },
      { table: 'organizations', id: B },
    ]);
  });

  it('reads root fields through fragments, and only root fields', () => {
    const query = `query { ...Root ... on Query { workspace(id: "${B}") { id } } }
      fragment Root on Query { organization(id: "${A}") { id workspaces { members(organizationId: "${B}") { totalCount } } } }`;
    expect(named(query)).toEqual([
      { table: 'organizations', id: A },
      { table: 'workspaces', id: B },
    ]);
  });

  it('names nothing for a request that names no row (`me`), and takes the operation asked for', () => {
    expect(named('{ me { id organizations { nodes { id } } } }')).toEqual([]);
    const two = `query One { organization(id: "${A}") { id } } query Two { workspace(id: "${B}") { id } }`;
    expect(named(two, undefined, 'Two')).toEqual([{ table: 'workspaces', id: B }]);
    expect(named(two, undefined, 'Three')).toEqual([]);
  });

  it('stops at a few rows, however long the list', () => {
    const r = Array.from({ length: 100 }, () => ({ __typename: 'Domain', id: A }));
    expect(named('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r })).toHaveLength(16);
  });

  describe('from the request as sent (query, operationName, variables)', () => {
    it('parses the query and reads its variables', () => {
      expect(
        rowsNamedByRequest(
          {
            query: 'query Read($id: ID!) { organization(id: $id) { id } }',
            operationName: 'Read',
            variables: { id: A },
          },
          1000,
        ),
      ).toEqual([{ table: 'organizations', id: A }]);
    });

    it('names nothing for what Apollo refuses itself: no query, one that does not parse, one over the token limit', () => {
      expect(rowsNamedByRequest({}, 1000)).toEqual([]);
      expect(rowsNamedByRequest({ query: 42 }, 1000)).toEqual([]);
      expect(rowsNamedByRequest({ query: `{ organization(id: "${A}") {` }, 1000)).toEqual([]);
      expect(rowsNamedByRequest({ query: `{ organization(id: "${A}") { id } }` }, 5)).toEqual([]);
    });

    it('ignores variables that are not an object, and an operationName that is not a string', () => {
      const query = 'query($id: ID!) { organization(id: $id) { id } }';
      expect(rowsNamedByRequest({ query, variables: [A] }, 1000)).toEqual([]);
      expect(rowsNamedByRequest({ query, variables: 'x' }, 1000)).toEqual([]);
      expect(rowsNamedByRequest({ query, operationName: 7, variables: { id: A } }, 1000)).toEqual([
        { table: 'organizations', id: A },
      ]);
    });
  });

  describe('with the parse remembered (the admission of a burst)', () => {
    const query = 'query Read($id: ID!) { organization(id: $id) { id } }';

    it('names what rowsNamedByRequest names, each request by its own variables', () => {
      const named = rememberingRowsNamer(1000);
      for (const id of [A, B, A]) {
        const request = { query, variables: { id } };
        expect(named(request)).toEqual(rowsNamedByRequest(request, 1000));
        expect(named(request)).toEqual([{ table: 'organizations', id }]);
      }
      expect(named({ query: `{ organization(id: "${A}") {` })).toEqual([]);
      expect(named({ query: `{ organization(id: "${A}") {` })).toEqual([]);
    });

    it('keeps each token limit: a text over one namer’s limit names nothing there, whatever another remembered', () => {
      const generous = rememberingRowsNamer(1000);
      const strict = rememberingRowsNamer(5);
      const text = `{ organization(id: "${A}") { id } }`;
      expect(generous({ query: text })).toEqual([{ table: 'organizations', id: A }]);
      expect(strict({ query: text })).toEqual([]);
    });

    it('still names the rows of a text too long to remember', () => {
      const named = rememberingRowsNamer(100_000);
      const long = `query Read($id: ID!) { organization(id: $id) { id ${'name '.repeat(2000)} } }`;
      expect(named({ query: long, variables: { id: B } })).toEqual([{ table: 'organizations', id: B }]);
    });
  });
});
