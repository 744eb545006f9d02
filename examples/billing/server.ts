import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { billingSchema } from './billing';

export interface BillingServer {
  url: string;
  /** How many GraphQL requests reached the subgraph so far: what a gateway let through. */
  requests(): number;
  stop(): Promise<void>;
}

/** The billing subgraph on a loopback port (0: any free one), counting the requests it serves. */
export async function startBilling(options: { port?: number; host?: string } = {}): Promise<BillingServer> {
  let requests = 0;
  const server = new ApolloServer({
    schema: billingSchema(),
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      {
        async requestDidStart() {
          requests += 1;
        },
      },
    ],
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: options.port ?? 0, host: options.host ?? '127.0.0.1' },
  });
  return { url, requests: () => requests, stop: () => server.stop() };
}
