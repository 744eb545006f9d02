import 'reflect-metadata';
import { createServer } from 'node:http';
import { billingTypeDefs } from '../billing/billing';
import { composeWithMembership } from '../supergraph/compose';
import { createHiveGateway } from './gateway';

/**
 * `npm run gateway:hive`: Hive Gateway serving this subgraph and the example billing subgraph, on
 * HIVE_GATEWAY_PORT (4004) and HOST (127.0.0.1), with billing's `@policy` fields decided by this
 * service. It composes at start-up from MEMBERSHIP_URL (http://localhost:4001/graphql) and
 * BILLING_URL (http://localhost:4003/); the decisions come from POLICIES_URL, by default
 * /authorization/policies beside MEMBERSHIP_URL. Start `npm start` (with PERMISSIONS_FILE
 * declaring invoices:read, e.g. examples/permissions.json) and `npm run billing` first.
 */
async function main(): Promise<void> {
  const membershipUrl = process.env.MEMBERSHIP_URL || 'http://localhost:4001/graphql';
  const billingUrl = process.env.BILLING_URL || 'http://localhost:4003/';
  const policiesUrl = process.env.POLICIES_URL || new URL('/authorization/policies', membershipUrl).href;
  const supergraphSdl = await composeWithMembership(membershipUrl, [
    { name: 'billing', url: billingUrl, typeDefs: billingTypeDefs },
  ]);
  const gateway = createHiveGateway({
    supergraphSdl,
    policiesUrl,
    routerSecret: process.env.ROUTER_SECRET || undefined,
    logging: true,
  });
  const port = Number(process.env.HIVE_GATEWAY_PORT || 4004);
  const host = process.env.HOST || '127.0.0.1';
  const server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  process.stdout.write(`Hive Gateway ready at http://${host}:${port}/graphql (policies decided by ${policiesUrl})\n`);
  const stop = () => {
    server.close();
    void gateway.dispose();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
