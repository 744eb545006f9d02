import { allow, chain, deny, shield } from 'graphql-shield';
import { ForbiddenError } from '../src/errors';
import { Permission as P, ScopeKind } from './access';
import { canOnArgument } from './rules/can-on-argument.rule';
import { canOnParent } from './rules/can-on-parent.rule';
import { isAuthenticated } from './rules/is-authenticated.rule';
import { isSelf, isSelfOrSharesOrganization } from './rules/user-visibility.rule';

const { ORGANIZATION, WORKSPACE, DOMAIN } = ScopeKind;
const on = (kind: ScopeKind, argPath: string, permission: P) =>
  chain(isAuthenticated, canOnArgument(kind, argPath, permission));
const byId = 'id';

/**
 * The permission map: one rule for every root field and every field of every entity type.
 * Anything not listed is denied: shield's own fallback is `allow`, so `deny` is set here. Entity fields carry their own rules so that data
 * reached through `_entities` is checked exactly like data reached through `Query`.
 */
export const permissions = shield(
  {
    Query: {
      me: allow,
      organization: on(ORGANIZATION, byId, P.READ),
      workspace: on(WORKSPACE, byId, P.READ),
      domain: on(DOMAIN, byId, P.READ),
      // Federation: the SDL is public; `_entities` needs a caller and hands each object to the type rules below.
      _service: allow,
      _entities: isAuthenticated,
    },
    Mutation: {
      createOrganization: isAuthenticated,
      updateOrganization: on(ORGANIZATION, byId, P.UPDATE),
      deleteOrganization: on(ORGANIZATION, byId, P.DELETE),
      createWorkspace: on(ORGANIZATION, 'input.organizationId', P.CREATE_WORKSPACE),
      updateWorkspace: on(WORKSPACE, byId, P.UPDATE),
      deleteWorkspace: on(WORKSPACE, byId, P.DELETE),
      createDomain: on(WORKSPACE, 'input.workspaceId', P.CREATE_DOMAIN),
      updateDomain: on(DOMAIN, byId, P.UPDATE),
      deleteDomain: on(DOMAIN, byId, P.DELETE),
    },
    User: {
      id: isSelfOrSharesOrganization,
      email: isSelfOrSharesOrganization,
      displayName: isSelfOrSharesOrganization,
      organizations: isSelf,
    },
    Organization: {
      '*': canOnParent(P.READ),
      members: canOnParent(P.READ_MEMBERS),
    },
    Workspace: {
      '*': canOnParent(P.READ),
      members: canOnParent(P.READ_MEMBERS),
    },
    Domain: {
      '*': canOnParent(P.READ),
      members: canOnParent(P.READ_MEMBERS),
    },
    // Reached only through fields guarded above; what they point at has rules of its own.
    Member: allow,
    MemberConnection: allow,
    MemberEdge: allow,
    OrganizationConnection: allow,
    OrganizationEdge: allow,
    PageInfo: allow,
    _Service: allow,
  },
  {
    fallbackRule: deny,
    // A rule that throws (the database is down) must not read as a denial: `debug` makes shield
    // rethrow, and the error formatter masks it as INTERNAL_SERVER_ERROR.
    debug: true,
    allowExternalErrors: true,
    fallbackError: () => new ForbiddenError(),
  },
);
