import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';

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
  options: { routerSecret?: string } = {},
): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
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
