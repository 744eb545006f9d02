import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** What the gateway keeps of the client's request: the header every subgraph verifies. */
export interface GatewayContext {
  authorization?: string;
}

/**
 * A gateway for local work: @apollo/gateway serving a composed supergraph, doing what
 * examples/router/router.yaml tells Apollo Router to do — pass the caller's Authorization to
 * every subgraph, and the router secret to ours. Use Apollo Router in production.
 */
export function createGateway(
  supergraphSdl: string,
  options: { routerSecret?: string; sandbox?: { document: string; headers: Record<string, string> } } = {},
): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    // Sandbox opens on a query that crosses both subgraphs, signed in like the subgraph's own.
    plugins: options.sandbox
      ? [ApolloServerPluginLandingPageLocalDefault({ footer: false, includeCookies: false, ...options.sandbox })]
      : [],
    gateway: new ApolloGateway({
      supergraphSdl,
      buildService: ({ name, url }) =>
        new RemoteGraphQLDataSource<GatewayContext>({
          url,
          willSendRequest({ request, context }) {
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
            if (name === 'membership' && options.routerSecret) {
              request.http?.headers.set('router-authorization', options.routerSecret);
            }
          },
        }),
    }),
  });
}
