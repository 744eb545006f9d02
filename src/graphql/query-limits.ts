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

import { DEFAULT_QUERY_LIMITS, type QueryLimits } from '../config/config';

export { DEFAULT_QUERY_LIMITS, type QueryLimits };

/** A refusal of docs/domain-rules.md §9: a validation error, HTTP 400, before execution. */
export function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });
}

/**
 * Depth, aliases and directives: GraphQL Armor's validation rules. By default they throw, which
 * Apollo Server would answer with a 500; reported as validation errors instead, they give the
 * 400 GRAPHQL_VALIDATION_FAILED of docs/domain-rules.md §9.
 */
export function limitValidationRules(limits: QueryLimits): ValidationRule[] {
  const report = {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
  };
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, ...report }),
    // Every alias counts, `__typename` ones too (GraphQL Armor lets those through by default).
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...report }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
  ] as unknown as ValidationRule[];
}

/**
 * The cost of docs/domain-rules.md §9: an object field costs 2, a scalar 1, a field with a `first` argument
 * (a connection) costs its children times `first`, and `_entities` its selection once per
 * representation. `seen` records the most representations one `_entities` field carries.
 */
function costEstimator(seen: { representations: number }): ComplexityEstimator {
  return ({ field, args, childComplexity }) => {
    const own = isLeafType(getNamedType(field.type)) ? 1 : 2;
    if (field.name === '_entities' && Array.isArray(args.representations)) {
      seen.representations = Math.max(seen.representations, args.representations.length);
      return own + childComplexity * args.representations.length;
    }
    const first = typeof args.first === 'number' && args.first > 0 ? args.first : 1;
    return own + childComplexity * first;
  };
}

/**
 * Refuses an operation whose cost exceeds the limit, once its variables are known (so that
 * `first: $n` counts with its real value), before execution.
 */
export function costLimitPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          let measured: { cost: number; representations: number };
          try {
            measured = measureOperation(schema, document, request.variables ?? {}, request.operationName ?? undefined);
          } catch {
            // Variables that do not fit the operation: execution refuses them with BAD_USER_INPUT
            // before anything runs, so there is nothing to cost.
            return;
          }
          if (measured.representations > limits.maxRepresentations) {
            throw limitError(
              `_entities carries ${measured.representations} representations; the limit is ${limits.maxRepresentations}.`,
            );
          }
          if (measured.cost > limits.maxCost) {
            throw limitError(`Query cost ${measured.cost} exceeds the limit of ${limits.maxCost}.`);
          }
        },
      };
    },
  };
}

/** An operation's cost, and the most `_entities` representations it carries. */
export function measureOperation(
  schema: GraphQLSchema,
  document: Parameters<typeof getComplexity>[0]['query'],
  variables: Record<string, unknown>,
  operationName?: string,
): { cost: number; representations: number } {
  const seen = { representations: 0 };
  const cost = getComplexity({ schema, query: document, variables, operationName, estimators: [costEstimator(seen)] });
  return { cost, representations: seen.representations };
}

export function operationCost(
  schema: GraphQLSchema,
  document: Parameters<typeof getComplexity>[0]['query'],
  variables: Record<string, unknown>,
  operationName?: string,
): number {
  return measureOperation(schema, document, variables, operationName).cost;
}

/** graphql-js reports its own token limit as a syntax error; docs/domain-rules.md §9 calls it a validation error. */
export function isTokenLimitError(message: string): boolean {
  return /Document contains more tha[nt] \d+ tokens/.test(message);
}
