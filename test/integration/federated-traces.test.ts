import { Trace } from '@apollo/usage-reporting-protobuf';
import { type App, createApp } from '../../src/http/app';
import { createLogger } from '../../src/observability/logger';
import { createWorld, type World } from '../support/factories';
import { createHarness, type Harness, TEST_JWT_SECRET } from '../support/harness';
import { listen } from '../support/http';

/**
 * Federated traces (ftv1): Apollo Router asks for one with `apollo-federation-include-trace:
 * ftv1` and reports its per-field timings and errors to GraphOS. A request that does not ask
 * gets none.
 */
describe('federated traces', () => {
  let h: Harness;
  let app: App;
  let url: string;
  let world: World;
  beforeAll(async () => {
    h = await createHarness('sqlite', { NODE_ENV: 'production', AUTH_JWT_SECRET: TEST_JWT_SECRET });
    world = await createWorld(h);
    app = await createApp(h.config, h.database.db, createLogger({ silent: true }), { nudgeOutbox: false });
    ({ url } = await listen(app));
  });
  afterAll(async () => {
    await app.apollo.stop();
    await h.close();
  });

  const ask = async (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${world.people.orgAdmin.token}`,
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: unknown;
      errors?: { message: string }[];
      extensions?: { ftv1?: string };
    };
  };
  const QUERY = 'query($id: ID!) { organization(id: $id) { name workspaces { name } } }';

  it('a request that asks gets a trace of every field it resolved', async () => {
    const answer = await ask(QUERY, { id: world.organization.id }, { 'apollo-federation-include-trace': 'ftv1' });
    expect(answer.errors).toBeUndefined();
    const trace = Trace.decode(Buffer.from(answer.extensions!.ftv1!, 'base64'));
    const names: string[] = [];
    const walk = (node: Trace.INode) => {
      if (node.responseName) names.push(node.responseName);
      for (const child of node.child ?? []) walk(child);
    };
    walk(trace.root!);
    expect(names).toEqual(expect.arrayContaining(['organization', 'name', 'workspaces']));
    expect(Number(trace.durationNs)).toBeGreaterThan(0);
  });

  it('a request that does not ask gets none', async () => {
    const answer = await ask(QUERY, { id: world.organization.id });
    expect(answer.extensions?.ftv1).toBeUndefined();
  });

  it('errors in the trace read as the client reads them', async () => {
    const mutation = 'mutation($id: ID!) { updateOrganization(id: $id, input: { name: "" }) { id } }';
    const answer = await ask(mutation, { id: world.organization.id }, { 'apollo-federation-include-trace': 'ftv1' });
    const trace = Trace.decode(Buffer.from(answer.extensions!.ftv1!, 'base64'));
    const messages: string[] = [];
    const walk = (node: Trace.INode) => {
      for (const error of node.error ?? []) messages.push(error.message ?? '');
      for (const child of node.child ?? []) walk(child);
    };
    walk(trace.root!);
    expect(messages).toEqual([answer.errors![0].message]);
  });
});
