import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { type SiteRecord, sitesSchema } from '../../examples/sites/sites';
import { createGateway, type GatewayContext } from '../../examples/gateway/gateway';
import { composeSupergraph } from '../../examples/supergraph/compose';
import { createWorld, type World } from '../support/factories';
import { createHarness, type Harness, type Person } from '../support/harness';

/**
 * The subgraph composed with the example `sites` subgraph and run behind @apollo/gateway
 * in-process, over HTTP: the gateway forwards the caller's Authorization header, and our
 * permission rules decide what crosses the boundary.
 */
describe('behind a gateway, with a second subgraph', () => {
  let h: Harness;
  let world: World;
  let sites: ApolloServer;
  let gateway: ApolloServer<GatewayContext>;
  let gatewayUrl: string;

  beforeAll(async () => {
    h = await createHarness('sqlite');
    world = await createWorld(h);
    await new Promise<void>((resolve) => h.app.httpServer.listen(0, '127.0.0.1', resolve));
    const membershipUrl = `http://127.0.0.1:${(h.app.httpServer.address() as AddressInfo).port}/graphql`;

    const records: SiteRecord[] = [
      { id: 'site-1', title: 'The shop', domainId: world.d1.id, organizationId: world.organization.id },
      { id: 'site-2', title: 'Elsewhere', domainId: world.d2.id, organizationId: world.organization.id },
    ];
    sites = new ApolloServer({ schema: sitesSchema(records), plugins: [ApolloServerPluginInlineTraceDisabled()] });
    const { url: sitesUrl } = await startStandaloneServer(sites, { listen: { port: 0, host: '127.0.0.1' } });

    const supergraphSdl = await composeSupergraph({ membership: membershipUrl, sites: sitesUrl });
    // The same gateway `npm run gateway` serves.
    gateway = createGateway(supergraphSdl);
    ({ url: gatewayUrl } = await startStandaloneServer(gateway, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    }));
  });

  afterAll(async () => {
    await gateway?.stop();
    await sites?.stop();
    await h.close();
  });

  async function query(who: Person | null, text: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(who ? { authorization: `Bearer ${who.token}` } : {}) },
      body: JSON.stringify({ query: text, variables }),
    });
    return (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
  }

  const domainWithSite = 'query($id: ID!) { domain(id: $id) { hostname site { title owner { id } } } }';
  const allSites = '{ sites { title domain { hostname workspace { name } } owner { id name } } }';

  it('joins a domain (membership) to its site (sites) for a member', async () => {
    const result = await query(world.people.domainMember, domainWithSite, { id: world.d1.id });
    expect(result.errors).toBeUndefined();
    expect(result.data.domain).toEqual({
      hostname: 'd1.example.com',
      site: { title: 'The shop', owner: { id: world.organization.id } },
    });
  });

  it('gives an outsider nothing of ours: NOT_FOUND, not the domain', async () => {
    const result = await query(world.people.outsider, domainWithSite, { id: world.d1.id });
    expect(result.data.domain).toBeNull();
    expect(result.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('resolves entities from the other subgraph through _entities with the caller’s rights', async () => {
    const member = await query(world.people.domainMember, allSites);
    expect(member.data.sites).toEqual([
      {
        title: 'The shop',
        domain: { hostname: 'd1.example.com', workspace: { name: 'W1' } },
        owner: { id: world.organization.id, name: 'Acme' },
      },
      // D2 is in another workspace: not visible to a member of D1 only.
      { title: 'Elsewhere', domain: null, owner: { id: world.organization.id, name: 'Acme' } },
    ]);
    const outsider = await query(world.people.outsider, allSites);
    expect(outsider.data.sites.map((s: any) => [s.title, s.domain, s.owner])).toEqual([
      ['The shop', null, null],
      ['Elsewhere', null, null],
    ]);
  });

  it('refuses anonymous callers at our subgraph', async () => {
    const result = await query(null, domainWithSite, { id: world.d1.id });
    expect(result.data.domain).toBeNull();
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
