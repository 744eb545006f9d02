import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useHarness, useWorld } from '../../support/each-database';
import { type Person } from '../../support/harness';
import { listen } from '../../support/http';
import type { TestDatabase } from '../../support/databases';

/** What the supergraph authorization tests share (authorization.test.ts, router-policies.test.ts beside this file). */

/** The declarations a billing and a sites subgraph would make (docs/authorization.md's example). */
export const DECLARATIONS = [
  {
    key: 'invoices:read',
    description: 'Read invoices',
    scopes: ['ORGANIZATION', 'WORKSPACE'],
    roles: ['ADMIN', 'ACCOUNTING'],
  },
  { key: 'sites:deploy', description: 'Deploy a site', scopes: ['WORKSPACE', 'DOMAIN'], roles: ['ADMIN'] },
  { key: 'sites:read', scopes: ['DOMAIN'], roles: ['MEMBER', 'ADMIN'] },
];
const folder = mkdtempSync(join(tmpdir(), 'permissions-'));
export const PERMISSIONS_FILE = join(folder, 'permissions.json');
writeFileSync(PERMISSIONS_FILE, JSON.stringify(DECLARATIONS));
export const SERVICE_TOKEN = 'service-token-0123456789abcdef';

/** A request body as Apollo Router's coprocessor sends it at the SupergraphRequest stage. */
export function apolloBody(policies: string[], variables: Record<string, unknown>, token: string | null) {
  return {
    version: 1,
    stage: 'SupergraphRequest',
    control: 'continue',
    id: '1b19c05fdafc521016df33148ad63c1b',
    headers: {
      'content-type': ['application/json'],
      ...(token ? { authorization: [`Bearer ${token}`] } : {}),
    },
    body: { query: 'query Invoices($workspaceId: ID!) { invoices(workspaceId: $workspaceId) { id } }', variables },
    context: {
      entries: {
        'apollo::authorization::required_policies': Object.fromEntries(policies.map((p) => [p, null])),
        'apollo::supergraph::operation_kind': 'query',
      },
    },
    method: 'POST',
  };
}

/** The same for Hive Router's graphql.analysis stage. */
export function hiveBody(policies: string[], variables: Record<string, unknown>, token: string | null) {
  return {
    version: 1,
    stage: 'graphql.analysis',
    control: 'continue',
    id: 'd7d3b8a4-7f5c-4e1f-9b0e-8a2b3c4d5e6f',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: { query: 'query Invoices($workspaceId: ID!) { invoices(workspaceId: $workspaceId) { id } }', variables },
    context: { 'hive::authorization::required_policies': Object.fromEntries(policies.map((p) => [p, null])) },
  };
}
/**
 * The server of an authorization test on `kind`, with the declarations above and two service
 * tokens, a world of personas, `post` to it on loopback, and `decide` Apollo Router's policies.
 */
export function useAuthorizationServer(kind: TestDatabase) {
  const h = useHarness(kind, { PERMISSIONS_FILE, AUTHZ_SERVICE_TOKENS: `other-service-token-000000,${SERVICE_TOKEN}` });
  const world = useWorld(h);
  let base = '';
  beforeAll(async () => {
    base = (await listen(h.app)).url.replace(/\/graphql$/, '');
  });

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any = text;
    try {
      json = JSON.parse(text);
    } catch {
      // left as text: the assertion shows it
    }
    return { status: response.status, body: json };
  }

  async function decide(who: Person | null, policies: string[], variables: Record<string, unknown> = {}) {
    const answer = await post('/authorization/policies', apolloBody(policies, variables, who?.token ?? null));
    expect(answer.status).toBe(200);
    return answer.body.context.entries['apollo::authorization::required_policies'] as Record<string, boolean>;
  }

  return { h, world, post, decide };
}
