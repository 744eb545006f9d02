import 'reflect-metadata';
import '../domain/enums';
import { AuthorizationResolver } from '../../resolvers/authorization/authorization.resolver';
import {
  AccessSourceCustomRoleResolver,
  CustomRoleResolver,
  InvitationCustomRoleResolver,
  MemberCapabilitiesCustomRolesResolver,
  MemberCustomRoleResolver,
  OrganizationCustomRolesResolver,
} from '../../resolvers/roles/custom-role.resolver';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { type GraphQLSchema, isObjectType, parse } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchema, type BuildSchemaOptions, createResolversMap } from 'type-graphql';
import { Domain } from '../../entities/domain.entity';
import { Organization } from '../../entities/organization.entity';
import { User } from '../../entities/user.entity';
import { Workspace } from '../../entities/workspace.entity';
import { OPEN_TYPES, permissions } from '../../permissions';
import { withQuickAllowances } from './quick-allow';
import { type ResolversMap, withDirectResolvers } from './direct-resolvers';
import { DomainResolver } from '../../resolvers/organizations/domain.resolver';
import { AuditEventResolver } from '../../resolvers/audit/audit-event.resolver';
import { BillingResolver } from '../../resolvers/billing/billing.resolver';
import { InvitationResolver } from '../../resolvers/invitations/invitation.resolver';
import {
  EmailDomainResolver,
  OrganizationEmailDomainsResolver,
} from '../../resolvers/email-domains/email-domain.resolver';
import {
  AccessSourceResolver,
  ExplainAccessResolver,
  MemberConnectionResolver,
  MemberMutationResolver,
  MemberResolver,
} from '../../resolvers/memberships/member.resolver';
import { OrganizationResolver } from '../../resolvers/organizations/organization.resolver';
import { referenceResolvers } from '../../resolvers/reference.resolvers';
import { DateTimeScalar } from '../../resolvers/types/date-time.scalar';
import { UserResolver } from '../../resolvers/people/user.resolver';
import { WebhookResolver } from '../../resolvers/webhooks/webhook.resolver';
import { ProvisioningTokenResolver } from '../../resolvers/provisioning/provisioning.resolver';
import { WorkspaceResolver } from '../../resolvers/organizations/workspace.resolver';
import { BadUserInputError } from '../domain/errors';
import {
  OrganizationSignInPolicyResolver,
  SignInPolicyResolver,
} from '../../resolvers/sign-in-policy/sign-in-policy.resolver';
import {
  AccessRequestResolver,
  OrganizationAccessRequestsResolver,
  UserAccessRequestsResolver,
} from '../../resolvers/access-requests/access-request.resolver';

export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

let unguarded: Promise<GraphQLSchema> | null = null;
let guarded: Promise<GraphQLSchema> | null = null;

const RESOLVER_CLASSES = [
  UserResolver,
  OrganizationResolver,
  WorkspaceResolver,
  DomainResolver,
  MemberResolver,
  MemberConnectionResolver,
  MemberMutationResolver,
  AccessSourceResolver,
  ExplainAccessResolver,
  InvitationResolver,
  BillingResolver,
  AuditEventResolver,
  WebhookResolver,
  ProvisioningTokenResolver,
  OrganizationEmailDomainsResolver,
  EmailDomainResolver,
  AuthorizationResolver,
  CustomRoleResolver,
  OrganizationCustomRolesResolver,
  MemberCustomRoleResolver,
  InvitationCustomRoleResolver,
  MemberCapabilitiesCustomRolesResolver,
  AccessSourceCustomRoleResolver,
  OrganizationSignInPolicyResolver,
  SignInPolicyResolver,
  AccessRequestResolver,
  OrganizationAccessRequestsResolver,
  UserAccessRequestsResolver,
] as const;

async function buildUnguarded(): Promise<GraphQLSchema> {
  const options: BuildSchemaOptions = {
    resolvers: RESOLVER_CLASSES,
    orphanedTypes: [User, Organization, Workspace, Domain],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    skipCheck: true,
  };
  const typeGraphqlSchema = await buildSchema(options);
  const resolvers = withDirectResolvers(createResolversMap(typeGraphqlSchema) as ResolversMap, options);
  for (const [typeName, resolver] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...resolvers[typeName], ...resolver };
  }
  return withCheckedRepresentations(
    buildSubgraphSchema({
      typeDefs: parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphqlSchema)}`),
      resolvers: resolvers as never,
    }),
  );
}

const ENTITY_TYPES = new Set(['User', 'Organization', 'Workspace', 'Domain']);

/**
 * `_entities` representations are client input: one naming no entity type of ours, or without a
 * string `id`, is BAD_USER_INPUT before anything is read (@apollo/subgraph would throw a plain
 * error, which reads as INTERNAL_SERVER_ERROR and floods the error log).
 */
function withCheckedRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()._entities;
  const resolve = field?.resolve;
  if (!field || !resolve) throw new Error('the subgraph schema has no _entities resolver');
  field.resolve = (source, args: { representations: unknown[] }, context, info) => {
    args.representations.forEach((representation, index) => {
      const { __typename, id } = (representation ?? {}) as Record<string, unknown>;
      if (typeof __typename !== 'string' || !ENTITY_TYPES.has(__typename) || typeof id !== 'string') {
        throw new BadUserInputError(
          `representations[${index}] must be { __typename: User, Organization, Workspace or Domain, id: a string }.`,
          'representations',
        );
      }
    });
    return resolve(source, args, context, info);
  };
  return schema;
}

/**
 * The subgraph schema: type-graphql's classes printed with their directives, turned into a
 * Federation 2 subgraph with reference resolvers, then wrapped in the permission shield.
 * Built once per process (type-graphql's metadata is global anyway).
 */
export function buildMembershipSchema(): Promise<GraphQLSchema> {
  guarded ??= (unguarded ??= buildUnguarded()).then((schema) =>
    withQuickAllowances(withOpenTypesUnwrapped(applyMiddleware(schema, permissions), schema), schema),
  );
  return guarded;
}

/**
 * Shield wraps every field, `allow` ones included, in an async middleware. On the open types
 * (`OPEN_TYPES`, all `allow`) the wrapper decides nothing, so their fields get their own
 * resolvers back: a page of 50 members no longer turns a few hundred property reads into
 * promises. Every other field keeps its rule.
 */
function withOpenTypesUnwrapped(guardedSchema: GraphQLSchema, plain: GraphQLSchema): GraphQLSchema {
  for (const name of OPEN_TYPES) {
    const guardedType = guardedSchema.getType(name);
    const plainType = plain.getType(name);
    if (!isObjectType(guardedType) || !isObjectType(plainType))
      throw new Error(`open type ${name} is not in the schema`);
    const plainFields = plainType.getFields();
    for (const [fieldName, field] of Object.entries(guardedType.getFields()))
      field.resolve = plainFields[fieldName].resolve;
  }
  return guardedSchema;
}

/**
 * The same schema WITHOUT the permission shield. Only the benchmark uses it, to measure what
 * the permission layer costs; nothing in the server can reach it.
 */
export function buildSchemaWithoutPermissionsForBenchmark(): Promise<GraphQLSchema> {
  unguarded ??= buildUnguarded();
  return unguarded;
}
