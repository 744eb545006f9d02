import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getNamedType,
  GraphQLError,
  type GraphQLSchema,
  isLeafType,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { type ComplexityEstimator, getComplexity } from 'graphql-query-complexity';

/** SPEC §9: every request is checked against these before anything runs. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  maxBodyBytes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 50,
  maxTokens: 1000,
  maxCost: 5000,
  maxBodyBytes: 100_000,
};

/** A refusal of SPEC §9: a validation error, HTTP 400, before execution. */
export function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}

/**
 * Depth, aliases and directives: GraphQL Armor's validation rules. By default they throw, which
 * Apollo Server would answer with a 500; reported as validation errors instead, they give the
 * 400 GRAPHQL_VALIDATION_FAILED of SPEC §9.
 */
export function limitValidationRules(limits: QueryLimits): ValidationRule[] {
  const report = {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
  };
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
  ] as unknown as ValidationRule[];
}

/**
 * The cost of SPEC §9: an object field costs 2, a scalar 1, and a field with a `first` argument
 * (a connection) costs its children times `first` (its default, 50, when not given).
 */
export const costEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const own = isLeafType(getNamedType(field.type)) ? 1 : 2;
  const first = typeof args.first === 'number' && args.first > 0 ? args.first : 1;
  return own + childComplexity * first;
};

/**
 * Refuses an operation whose cost exceeds the limit, once its variables are known (so that
 * `first: $n` counts with its real value), before execution.
 */
export function costLimitPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          let cost: number;
          try {
            cost = operationCost(schema, document, request.variables ?? {}, request.operationName ?? undefined);
          } catch {
            // Variables that do not fit the operation: execution refuses them with BAD_USER_INPUT
            // before anything runs, so there is nothing to cost.
            return;
          }
          if (cost > limits.maxCost) throw limitError(`Query cost ${cost} exceeds the limit of ${limits.maxCost}.`);
        },
      };
    },
  };
}

export function operationCost(
  schema: GraphQLSchema,
  document: Parameters<typeof getComplexity>[0]['query'],
  variables: Record<string, unknown>,
  operationName?: string,
): number {
  return getComplexity({ schema, query: document, variables, operationName, estimators: [costEstimator] });
}

/** graphql-js reports its own token limit as a syntax error; SPEC §9 calls it a validation error. */
export function isTokenLimitError(message: string): boolean {
  return /Document contains more tha[nt] \d+ tokens/.test(message);
}
