import { createGatewayRuntime, type GatewayPlugin, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { type GraphQLSchema, parse } from 'graphql';
import { policiesOfDocument } from './policies';

/** What the decision point accepts in one call (src/http/authorization-routes.ts). */
const MOST_POLICIES_A_CALL = 100;

export interface HiveGatewayOptions {
  /** The composed supergraph's SDL. */
  supergraphSdl: string;
  /** The membership subgraph's POST /authorization/policies. */
  policiesUrl: string;
  /** Sent to the membership subgraph as router-authorization when it demands one (ROUTER_SECRET). */
  routerSecret?: string;
  /** Told when the decision point could not answer: every policy of that request is then denied. */
  onDecisionError?: (error: unknown) => void;
  logging?: boolean;
}

type Variables = Record<string, unknown>;

/**
 * Asks the decision point about `names` for the bearer of `authorization`, and returns the names
 * it decided true. Anything but a clear answer denies them all.
 */
export async function grantedPolicies(
  policiesUrl: string,
  authorization: string,
  names: string[],
  variables: Variables,
): Promise<string[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < names.length; i += MOST_POLICIES_A_CALL) chunks.push(names.slice(i, i + MOST_POLICIES_A_CALL));
  const answers = await Promise.all(
    chunks.map(async (policies) => {
      const response = await fetch(policiesUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ policies, variables }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`${policiesUrl} answered ${response.status}`);
      const body = (await response.json()) as { policies?: Record<string, unknown> };
      return Object.entries(body.policies ?? {})
        .filter(([name, decided]) => decided === true && policies.includes(name))
        .map(([name]) => name);
    }),
  );
  return answers.flat();
}

/**
 * Hive Gateway (its runtime, @graphql-hive/gateway-runtime) serving the supergraph, with
 * Federation's `@policy` decided by the membership subgraph: for each request the hook finds the
 * policy names the operation meets in the supergraph schema, asks POST /authorization/policies
 * with the caller's Authorization and the operation's variables, and hands the gateway the names
 * decided true. A field whose policy is not among them is null with UNAUTHORIZED_FIELD_OR_TYPE,
 * and its subgraph is not asked for it. The caller's Authorization goes on to every subgraph.
 */
export function createHiveGateway(options: HiveGatewayOptions): GatewayRuntime {
  let schema: GraphQLSchema | undefined;
  const keepSchema: GatewayPlugin = {
    onSchemaChange({ schema: changed }) {
      schema = changed;
    },
  };
  const onDecisionError =
    options.onDecisionError ??
    ((error: unknown) => {
      process.stderr.write(
        `policy decision failed, denied: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    });
  return createGatewayRuntime({
    supergraph: options.supergraphSdl,
    logging: options.logging ?? false,
    plugins: () => [keepSchema],
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) => ({
        authorization: request.headers.get('authorization'),
        ...(subgraphName === 'membership' && options.routerSecret
          ? { 'router-authorization': options.routerSecret }
          : {}),
      }),
    },
    genericAuth: {
      mode: 'protect-granular',
      // No token, no user: every @policy field is then denied without asking.
      resolveUserFn: (context) => {
        const authorization = context.request.headers.get('authorization');
        return authorization ? { authorization } : null;
      },
      // Deny the fields, answer the rest of the operation (as the routers do).
      rejectUnauthenticated: false,
      async extractPolicies(user, context) {
        const { query, variables } = context.params;
        if (!schema || !query) return [];
        let names: string[];
        try {
          names = policiesOfDocument(schema, parse(query));
        } catch {
          return []; // not GraphQL: the gateway refuses it on its own
        }
        if (names.length === 0) return [];
        try {
          return await grantedPolicies(
            options.policiesUrl,
            String(user.authorization),
            names,
            (variables ?? {}) as Variables,
          );
        } catch (error) {
          onDecisionError(error);
          return [];
        }
      },
    },
  });
}
