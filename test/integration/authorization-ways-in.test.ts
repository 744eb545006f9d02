import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Role } from '../../src/domain/enums';
import { describeOnEachDatabase, useHarness, useWorld } from '../support/each-database';
import { listen } from '../support/http';

/**
 * The decisions (docs/authorization.md) are answered before Express for a plain JSON body
 * (src/http/front-door.ts) and by Express's route for any other (compressed, chunked, another
 * charset spelling, over the limit): the same answers either way, with the same headers.
 */
const folder = mkdtempSync(join(tmpdir(), 'permissions-'));
const PERMISSIONS_FILE = join(folder, 'permissions.json');
writeFileSync(
  PERMISSIONS_FILE,
  JSON.stringify([{ key: 'invoices:read', scopes: ['ORGANIZATION', 'WORKSPACE'], roles: ['ADMIN', 'ACCOUNTING'] }]),
);
const SERVICE_TOKEN = 'service-token-0123456789abcdef';

describeOnEachDatabase('the two ways into the decisions', (kind) => {
  const h = useHarness(kind, { PERMISSIONS_FILE, AUTHZ_SERVICE_TOKENS: SERVICE_TOKEN, REQUEST_MAX_BYTES: '20000' });
  const world = useWorld(h);
  let base = '';
  beforeAll(async () => {
    base = (await listen(h.app)).url.replace(/\/graphql$/, '');
  });

  /** The status, the JSON, and the headers that matter of one answer. */
  async function send(path: string, body: string | Buffer, headers: Record<string, string>) {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return {
      status: response.status,
      body: await response.json(),
      contentType: response.headers.get('content-type'),
      nosniff: response.headers.get('x-content-type-options'),
    };
  }

  /** The same body as plain JSON (the front door), gzipped and with a spaced charset (Express). */
  async function eachWay(path: string, body: unknown, authorization?: string) {
    const text = JSON.stringify(body);
    const auth: Record<string, string> = authorization ? { authorization } : {};
    return Promise.all([
      send(path, text, { 'content-type': 'application/json', ...auth }),
      send(path, gzipSync(text), { 'content-type': 'application/json', 'content-encoding': 'gzip', ...auth }),
      send(path, text, { 'content-type': 'application/json;  charset=UTF-8 ; x=y', ...auth }),
    ]);
  }

  it('decides policies the same at the front door and through Express', async () => {
    const body = {
      stage: 'SupergraphRequest',
      headers: { authorization: [`Bearer ${world.people.orgAccounting.token}`] },
      body: { variables: { w: world.w1.id, other: 'no-such-workspace' } },
      context: {
        entries: {
          'apollo::authorization::required_policies': { 'invoices:read@w': null, 'invoices:read@other': null },
        },
      },
    };
    const [door, ...express] = await eachWay('/authorization/policies', body);
    expect(door).toEqual({
      status: 200,
      body: {
        ...body,
        context: {
          entries: {
            'apollo::authorization::required_policies': { 'invoices:read@w': true, 'invoices:read@other': false },
          },
        },
      },
      contentType: 'application/json; charset=utf-8',
      nosniff: 'nosniff',
    });
    for (const other of express) expect(other).toEqual(door);
  });

  it('checks the same at the front door and through Express, refusals included', async () => {
    const checks = [
      { userId: world.people.orgAccounting.sub, permission: 'invoices:read', scope: { workspaceId: world.w2.id } },
      { userId: world.people.wsMember.sub, permission: 'invoices:read', scope: { workspaceId: world.w1.id } },
    ];
    const [door, ...express] = await eachWay('/authorization/check', { checks }, `Bearer ${SERVICE_TOKEN}`);
    expect(door.body).toEqual({
      results: [
        { allowed: true, role: Role.ACCOUNTING, customRole: null },
        { allowed: false, role: Role.MEMBER, customRole: null },
      ],
    });
    for (const other of express) expect(other).toEqual(door);
    // No service token, and a malformed check: the same refusals either way.
    const unauthenticated = await eachWay('/authorization/check', { checks });
    expect(unauthenticated.map((a) => [a.status, a.body.errors[0].extensions.code])).toEqual(
      Array(3).fill([401, 'UNAUTHENTICATED']),
    );
    const malformed = await eachWay('/authorization/check', { checks: [{ userId: 'u' }] }, `Bearer ${SERVICE_TOKEN}`);
    expect(malformed.map((a) => [a.status, a.body.errors[0]])).toEqual(
      Array(3).fill([
        400,
        {
          message: 'checks[0].permission must be a permission key.',
          extensions: { code: 'BAD_USER_INPUT', field: 'checks[0].permission' },
        },
      ]),
    );
    // A scope named by anything but the three fields, an inherited name included, is refused.
    for (const scope of [{ toString: world.w1.id }, { constructor: world.w1.id }, { workspaceId: 7 }]) {
      const refused = await eachWay(
        '/authorization/check',
        { checks: [{ ...checks[0], scope }] },
        `Bearer ${SERVICE_TOKEN}`,
      );
      expect(refused.map((a) => [a.status, a.body.errors[0].extensions.field])).toEqual(
        Array(3).fill([400, 'checks[0].scope']),
      );
    }
    const signIn = await eachWay(
      '/authorization/check',
      { checks: [checks[0], { ...checks[0], signIn: { amr: 'pwd' } }] },
      `Bearer ${SERVICE_TOKEN}`,
    );
    expect(signIn.map((a) => [a.status, a.body.errors[0].extensions.field])).toEqual(
      Array(3).fill([400, 'checks[1].signIn']),
    );
  });

  it('checks custom roles: the keys they add, and the one held at the scope by name, once per person and scope', async () => {
    const { orgAdmin, wsAdmin, wsMember } = world.people;
    const created = await h.run(
      `mutation($input: CreateCustomRoleInput!) { createCustomRole(input: $input) { id } }`,
      {
        input: {
          organizationId: world.organization.id,
          name: 'Invoice reader',
          grants: [{ scope: 'WORKSPACE', keys: ['invoices:read'] }],
        },
      },
      orgAdmin,
    );
    const roleId = (created.data as any).createCustomRole.id;
    const members = await h.run(
      `query($id: ID!) { workspace(id: $id) { members(first: 50) { nodes { id user { id } } } } }`,
      { id: world.w1.id },
      wsAdmin,
    );
    const memberId = (members.data as any).workspace.members.nodes.find((m: any) => m.user.id === wsMember.sub).id;
    const given = await h.run(
      `mutation($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { customRole { name } } }`,
      { input: { memberId, role: 'MEMBER', customRoleId: roleId } },
      wsAdmin,
    );
    expect(given.errors).toBeUndefined();
    const at = (scope: Record<string, string>, permission = 'invoices:read') => ({
      userId: wsMember.sub,
      permission,
      scope,
    });
    // The same person and scope asked again, among others: each answer as if asked alone.
    const checks = [
      at({ workspaceId: world.w1.id }),
      at({ workspaceId: world.w1.id }, 'READ'),
      at({ domainId: world.d1b.id }, 'READ'),
      at({ organizationId: world.organization.id }),
      at({ workspaceId: world.w1.id }, 'MANAGE_MEMBERS'),
    ];
    const [door, ...express] = await eachWay('/authorization/check', { checks }, `Bearer ${SERVICE_TOKEN}`);
    expect(door.body.results).toEqual([
      { allowed: true, role: Role.MEMBER, customRole: 'Invoice reader' },
      { allowed: true, role: Role.MEMBER, customRole: 'Invoice reader' },
      { allowed: true, role: Role.MEMBER, customRole: null },
      { allowed: false, role: Role.MEMBER, customRole: null },
      { allowed: false, role: Role.MEMBER, customRole: 'Invoice reader' },
    ]);
    for (const other of express) expect(other).toEqual(door);
    for (const [i, check] of checks.entries()) {
      const alone = await send('/authorization/check', JSON.stringify({ checks: [check] }), {
        'content-type': 'application/json',
        authorization: `Bearer ${SERVICE_TOKEN}`,
      });
      expect([i, alone.body.results[0]]).toEqual([i, door.body.results[i]]);
    }
  });

  it('refuses a body that is not JSON, or over the limit, with JSON (400, 413)', async () => {
    const plain = await send('/authorization/policies', '{"stage":', { 'content-type': 'application/json' });
    const gzipped = await send('/authorization/policies', gzipSync('{"stage":'), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    for (const answer of [plain, gzipped]) {
      expect(answer).toEqual({
        status: 400,
        body: {
          errors: [{ message: 'The body is not valid JSON.', extensions: { code: 'BAD_USER_INPUT', field: 'body' } }],
        },
        contentType: 'application/json; charset=utf-8',
        nosniff: 'nosniff',
      });
    }
    const large = await send('/authorization/check', JSON.stringify({ checks: [], pad: 'x'.repeat(20_000) }), {
      'content-type': 'application/json',
      authorization: `Bearer ${SERVICE_TOKEN}`,
    });
    expect([large.status, large.body.errors[0].extensions]).toEqual([413, { code: 'BAD_USER_INPUT', field: 'body' }]);
  });
});
