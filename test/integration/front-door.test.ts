import { admissionOf, type Release } from '../../src/db/organization-admission';
import type { TestDatabase } from '../support/databases';
import { describeOnEachDatabase } from '../support/each-database';
import { createOrganization, signIn } from '../support/factories';
import { createHarness, type Harness, type Person } from '../support/harness';
import { listen } from '../support/http';
import { memoryLogger } from '../support/log';

const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const RENAME =
  'mutation Rename($id: ID!, $name: String!) { updateOrganization(id: $id, input: { name: $name }) { id name } }';
const CREATE_TOKEN = 'mutation Token($id: ID!) { createProvisioningToken(input: { organizationId: $id }) { token } }';
const ORIGIN = 'https://app.example';
const ROUTER_SECRET = 'router-secret-of-the-front-door-test';
/** Express reads this as plain JSON too; the front door leaves it to Express (a parameter it does not know). */
const JSON_FOR_EXPRESS = 'application/json; charset=utf-8; profile=test';

interface Raw {
  status: number;
  headers: Record<string, string>;
  text: string;
}

async function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  const response = await fetch(url, { method, headers, body });
  const kept = [...response.headers].filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name));
  return { status: response.status, headers: Object.fromEntries(kept), text: await response.text() };
}

/**
 * docs/domain-rules.md §9: the front door (src/http/front-door.ts) answers an organization past its
 * queue before Express — and answers exactly as Express would: the same status, headers (nosniff,
 * CORS, Retry-After) and body, for GraphQL and SCIM, with its log line; ROUTER_SECRET's refusal
 * still comes first; a body it reads but cannot parse is refused as Express refuses it. Each
 * comparison sends the same request twice, once as the door takes it and once as it leaves it to
 * Express (a content type with a parameter it does not know, a path in other letter case).
 */
describeOnEachDatabase('the front door', (kind) => {
  let h: Harness;
  let base = '';
  let admin: Person;
  let organizationId = '';
  const { logger, lines } = memoryLogger();
  const headers = (contentType = 'application/json') => ({
    'content-type': contentType,
    authorization: `Bearer ${admin.token}`,
    origin: ORIGIN,
    'router-authorization': ROUTER_SECRET,
  });
  const rename = (name: string, contentType?: string) =>
    send(
      `${base}/graphql`,
      'POST',
      headers(contentType),
      JSON.stringify({ query: RENAME, variables: { id: organizationId, name } }),
    );

  /** Fills the organization's one slot and its queue of one: the next request is refused at once. */
  async function fill(): Promise<() => Promise<void>> {
    const admission = admissionOf(h.database.db, h.config.organizations);
    const running = await admission.admit([organizationId]);
    const waiting = admission.admit([organizationId]);
    expect(admission.refusesAtOnce([organizationId])).toBe(true);
    return async () => {
      running();
      ((await waiting) as Release)();
    };
  }

  beforeAll(async () => {
    h = await createHarness(
      kind as TestDatabase,
      {
        ORGANIZATION_CONCURRENCY: '1',
        ORGANIZATION_QUEUE: '1',
        CORS_ORIGINS: ORIGIN,
        ROUTER_SECRET,
      },
      { nudgeOutbox: false, logger },
    );
    base = (await listen(h.app)).url.replace(/\/graphql$/, '');
    admin = await h.person('door');
    await signIn(h, admin);
    organizationId = (await createOrganization(h, admin, 'Door Inc')).id;
  });
  afterAll(() => h.close());

  it('refuses a GraphQL request as Express does, with its log line, and does nothing', async () => {
    const free = await fill();
    lines.length = 0;
    const door = await rename('Door renamed');
    const express = await rename('Express renamed', JSON_FOR_EXPRESS);
    await free();

    expect(door).toEqual(express);
    expect(door.status).toBe(429);
    expect(door.headers).toMatchObject({
      'retry-after': '1',
      'x-content-type-options': 'nosniff',
      'access-control-allow-origin': ORIGIN,
      'content-type': 'application/json; charset=utf-8',
    });
    expect(JSON.parse(door.text).errors.map((e: any) => e.extensions)).toEqual([
      { code: 'RATE_LIMITED', retryAfter: 1 },
    ]);
    const logged = lines.filter((l) => l.msg === 'request completed');
    expect(logged.map((l) => [l.req.url, l.res.statusCode])).toEqual([
      ['/graphql', 429],
      ['/graphql', 429],
    ]);

    // Neither rename was done; once the organization has a slot again, the door lets it through.
    const after = await rename('Renamed at last');
    expect([after.status, JSON.parse(after.text).data.updateOrganization.name]).toEqual([200, 'Renamed at last']);
  });

  it('answers ROUTER_SECRET’s refusal first, before reading the body', async () => {
    const free = await fill();
    const { 'router-authorization': _secret, ...unrouted } = headers();
    const answer = await send(
      `${base}/graphql`,
      'POST',
      unrouted,
      JSON.stringify({ query: RENAME, variables: { id: organizationId, name: 'Unrouted' } }),
    );
    await free();
    expect([answer.status, JSON.parse(answer.text).errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('refuses a directory’s request by its known token as Express does, before its body', async () => {
    const made = await h.run(CREATE_TOKEN, { id: organizationId }, admin);
    const token = (made.data as any).createProvisioningToken.token as string;
    const scim = (path: string, method: string, body: unknown) =>
      send(
        `${base}${path}`,
        method,
        { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        JSON.stringify(body),
      );
    // The first request remembers the token's organization.
    const group = await scim('/scim/v2/Groups', 'POST', { schemas: [GROUP], displayName: 'Doors' });
    expect(group.status).toBe(201);
    const id = JSON.parse(group.text).id as string;
    const patch = { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Closed' }] };

    const free = await fill();
    const door = await scim(`/scim/v2/Groups/${id}`, 'PATCH', patch);
    const express = await scim(`/SCIM/v2/Groups/${id}`, 'PATCH', patch);
    await free();
    expect(door).toEqual(express);
    expect([door.status, door.headers['retry-after'], door.headers['x-content-type-options']]).toEqual([
      429,
      '1',
      'nosniff',
    ]);
    expect(JSON.parse(door.text)).toMatchObject({ status: '429' });
    const read = await send(`${base}/scim/v2/Groups/${id}`, 'GET', { authorization: `Bearer ${token}` });
    expect(JSON.parse(read.text).displayName).toBe('Doors');
  });

  it.each([
    ['a body with a byte-order mark', '\uFEFF{"query":"{ me { id } }"}'],
    ['a body that is not JSON', '{"query": '],
    ['JSON that is not an object or a list', '"{ me { id } }"'],
    ['a batch', '[{"query":"{ me { id } }"}]'],
  ])('reads %s as Express reads it', async (_what, body) => {
    const door = await send(`${base}/graphql`, 'POST', headers(), body);
    const express = await send(`${base}/graphql`, 'POST', headers(JSON_FOR_EXPRESS), body);
    expect([door.status, door.text]).toEqual([express.status, express.text]);
  });
});
