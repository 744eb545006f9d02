import { allow, chain, deny, shield } from 'graphql-shield';
import { ForbiddenError } from '../src/domain/errors';
import { Permission as P } from '../src/domain/enums';
import { canOnArgument } from './rules/can-on-argument.rule';
import { canOnParent } from './rules/can-on-parent.rule';
import { canRemoveMember } from './rules/can-remove-member.rule';
import { canReadOrIsInvited } from './rules/can-read-or-is-invited.rule';
import { isAuthenticated } from './rules/is-authenticated.rule';
import { isKnownOrInvitedViewer, isSelf } from './rules/user-visibility.rule';
import { seesSeats } from './rules/sees-seats.rule';
import { readsOrganizationOrMustSignIn } from './rules/sign-in.rule';
import { seesWholeScopeOfParent } from './rules/sees-whole-scope.rule';
import type { Target } from './scopes';

/**
 * Types reached only through fields guarded above, whose own fields need no rule (what they
 * point at has rules of its own). `allow` on them lets everything through; `schema.ts` also
 * takes shield's wrapper off their fields, which changes no decision and spares every field of
 * a long list a promise.
 */
export const OPEN_TYPES = [
  'Member',
  'MemberConnection',
  'MemberEdge',
  'OrganizationConnection',
  'OrganizationEdge',
  // Reached only through Organization.allInvitations, which filters what the caller may see.
  'InvitationConnection',
  'InvitationEdge',
  'PageInfo',
  'Invitation',
  'InvitationPreview',
  // What the caller may do and why someone has access: decided by permissions/capabilities.ts and
  // access.ts; `AccessSource.member` is null where the caller may not read that membership.
  'MemberCapabilities',
  'InvitationCapabilities',
  'EmailDelivery',
  // Reached only through `emailDomains` and the email-domain mutations, all UPDATE on the organization.
  'EmailDomain',
  // The answer of `inviteMembers` (INVITE_MEMBERS at its scope).
  'InviteMembersPayload',
  'InviteRowResult',
  'RowError',
  'AccessSource',
  // Reached only through `explainAccess`, which needs READ_MEMBERS at the scope.
  'AccessExplanation',
  'BillingProfile',
  'WorkspaceBilling',
  // Reached only through `auditLog`, whose rule checks READ_AUDIT_LOG; `actor` and `subject`
  // are Users, whose own field rules still apply.
  'AuditEvent',
  'AuditEventConnection',
  'AuditEventEdge',
  // Reached only through `webhookEndpoints` and the webhook mutations, all MANAGE_WEBHOOKS.
  'WebhookEndpoint',
  'WebhookEndpointWithSecret',
  'WebhookDelivery',
  'WebhookDeliveryConnection',
  'WebhookDeliveryEdge',
  // Reached only through `provisioningTokens` and the token mutations, all MANAGE_PROVISIONING;
  // `createdBy` is a User, whose own field rules still apply.
  'ProvisioningToken',
  'ProvisioningTokenCreated',
  // Reached only through `permissions` and `accessibleScopes` (signed-in callers; the latter lists the caller's own scopes).
  'PermissionDefinition',
  // Reached through `customRoles` (READ_MEMBERS), the role mutations (MANAGE_ROLES), and the members,
  // invitations and access sources that name one.
  'CustomRole',
  'PermissionGrant',
  'ScopeRef',
  // Reached only through `signInPolicy` and `setSignInPolicy`, both UPDATE on the organization.
  'SignInPolicy',
  // Reached only through `Organization.accessRequests` (listed only where the caller has
  // MANAGE_MEMBERS), `User.accessRequests` (the user's own) and the request mutations (the
  // requester's own, or MANAGE_MEMBERS at the request's scope); `requester` and `decidedBy` are
  // Users, whose own field rules still apply (docs/domain-rules.md §20).
  'AccessRequest',
  'AccessRequestConnection',
  'AccessRequestEdge',
  'ScopeEdge',
  'ScopeConnection',
  '_Service',
] as const;

const on = (target: Target, argPath: string, permission: P, visibleWith?: P) =>
  chain(isAuthenticated, canOnArgument(target, argPath, permission, visibleWith));

/**
 * The permission map: one rule for every root field and every field of every entity type.
 * Anything not listed is denied: shield's own fallback is `allow`, so `deny` is set here. Entity
 * fields carry their own rules so that data reached through `_entities` is checked exactly like
 * data reached through `Query`. Every decision comes from `permissions/access.ts`.
 */
export const RULES = {
  Query: {
    me: allow,
    // READ, or a member whom the sign-in policy blocks: id, name and viewerSignInRequired only (docs/domain-rules.md §20).
    organization: chain(isAuthenticated, readsOrganizationOrMustSignIn),
    workspace: on('Workspace', 'id', P.READ),
    domain: on('Domain', 'id', P.READ),
    // The link alone opens the preview (docs/domain-rules.md §4); unknown and wrong tokens look alike.
    invitationByToken: allow,
    explainAccess: on('ScopeInput', 'scope', P.READ_MEMBERS),
    // docs/domain-rules.md §18, §19: the keys are public to signed-in callers; the scopes listed are the caller's own.
    permissions: isAuthenticated,
    accessibleScopes: isAuthenticated,
    // Federation: the SDL is public; `_entities` needs a caller and hands each object to the type rules below.
    _service: allow,
    _entities: isAuthenticated,
  },
  Mutation: {
    createOrganization: isAuthenticated,
    updateOrganization: on('Organization', 'id', P.UPDATE),
    deleteOrganization: on('Organization', 'id', P.DELETE),
    createWorkspace: on('Organization', 'input.organizationId', P.CREATE_WORKSPACE),
    updateWorkspace: on('Workspace', 'id', P.UPDATE),
    deleteWorkspace: on('Workspace', 'id', P.DELETE),
    createDomain: on('Workspace', 'input.workspaceId', P.CREATE_DOMAIN),
    updateDomain: on('Domain', 'id', P.UPDATE),
    deleteDomain: on('Domain', 'id', P.DELETE),

    inviteMember: on('ScopeInput', 'input.scope', P.INVITE_MEMBERS),
    inviteMembers: on('ScopeInput', 'input.scope', P.INVITE_MEMBERS),
    createWebhookEndpoint: on('Organization', 'input.organizationId', P.MANAGE_WEBHOOKS),
    // An endpoint exists only for those who manage webhooks in its organization.
    updateWebhookEndpoint: on('WebhookEndpoint', 'id', P.MANAGE_WEBHOOKS, P.MANAGE_WEBHOOKS),
    rotateWebhookSecret: on('WebhookEndpoint', 'id', P.MANAGE_WEBHOOKS, P.MANAGE_WEBHOOKS),
    deleteWebhookEndpoint: on('WebhookEndpoint', 'id', P.MANAGE_WEBHOOKS, P.MANAGE_WEBHOOKS),
    redeliverWebhook: on('WebhookDelivery', 'deliveryId', P.MANAGE_WEBHOOKS, P.MANAGE_WEBHOOKS),
    createProvisioningToken: on('Organization', 'input.organizationId', P.MANAGE_PROVISIONING),
    // A token exists only for those who manage provisioning in its organization.
    revokeProvisioningToken: on('ProvisioningToken', 'id', P.MANAGE_PROVISIONING, P.MANAGE_PROVISIONING),
    // An invitation is seen only by those who may invite in its scope.
    resendInvitation: on('Invitation', 'id', P.INVITE_MEMBERS, P.INVITE_MEMBERS),
    revokeInvitation: on('Invitation', 'id', P.INVITE_MEMBERS, P.INVITE_MEMBERS),
    // Answering is the invitee's: the service checks the token or id against their verified email.
    acceptInvitation: isAuthenticated,
    declineInvitation: isAuthenticated,

    // A membership is seen by those who may read the scope's members.
    changeMemberRole: on('Member', 'input.memberId', P.MANAGE_MEMBERS, P.READ_MEMBERS),
    // MANAGE_MEMBERS, or one's own workspace or domain membership (leaving it).
    removeMember: chain(isAuthenticated, canRemoveMember),
    leaveOrganization: on('Organization', 'organizationId', P.READ),
    setMemberExpiry: on('Member', 'memberId', P.MANAGE_MEMBERS, P.READ_MEMBERS),
    updateSeatLimit: on('Organization', 'organizationId', P.UPDATE_BILLING),
    addEmailDomain: on('Organization', 'input.organizationId', P.UPDATE),
    // A claimed domain exists only for those who may change its organization.
    verifyEmailDomain: on('EmailDomain', 'id', P.UPDATE, P.UPDATE),
    updateEmailDomain: on('EmailDomain', 'id', P.UPDATE, P.UPDATE),
    removeEmailDomain: on('EmailDomain', 'id', P.UPDATE, P.UPDATE),
    // The service decides: a verified address at a verified AUTO_JOIN domain, or NOT_FOUND.
    joinOrganization: isAuthenticated,

    updateBillingProfile: on('Organization', 'organizationId', P.UPDATE_BILLING),
    updateWorkspaceBilling: on('Workspace', 'workspaceId', P.UPDATE_BILLING),

    // docs/domain-rules.md §18: a custom role exists only for those who may read its organization's members.
    createCustomRole: on('Organization', 'input.organizationId', P.MANAGE_ROLES),
    updateCustomRole: on('CustomRole', 'id', P.MANAGE_ROLES, P.READ_MEMBERS),
    // docs/domain-rules.md §20: the service refuses a policy that would shut the caller out.
    setSignInPolicy: on('Organization', 'organizationId', P.UPDATE),
    deleteCustomRole: on('CustomRole', 'id', P.MANAGE_ROLES, P.READ_MEMBERS),

    // docs/domain-rules.md §20. The service decides who may ask: a verified address at a REQUEST
    // domain of the organization, or a member who may READ the workspace or domain; NOT_FOUND otherwise.
    requestAccess: isAuthenticated,
    // A request exists only for those who decide in its scope; the requester withdraws their own (the service checks).
    approveAccessRequest: on('AccessRequest', 'input.id', P.MANAGE_MEMBERS, P.MANAGE_MEMBERS),
    denyAccessRequest: on('AccessRequest', 'id', P.MANAGE_MEMBERS, P.MANAGE_MEMBERS),
    withdrawAccessRequest: isAuthenticated,
  },
  User: {
    id: isKnownOrInvitedViewer,
    // The invitee reads who invites them, name and address: what the invitation email shows anyway.
    email: isKnownOrInvitedViewer,
    displayName: isKnownOrInvitedViewer,
    // Whoever sees the name sees that it was erased (docs/domain-rules.md §5).
    erased: isKnownOrInvitedViewer,
    dataExport: isSelf,
    organizations: isSelf,
    pendingInvitations: isSelf,
    joinableOrganizations: isSelf,
    accessRequests: isSelf,
  },
  Organization: {
    '*': canOnParent(P.READ),
    auditLog: canOnParent(P.READ_AUDIT_LOG),
    auditLogPeople: canOnParent(P.READ_AUDIT_LOG),
    id: canReadOrIsInvited,
    name: canReadOrIsInvited,
    members: canOnParent(P.READ_MEMBERS),
    invitations: canOnParent(P.INVITE_MEMBERS),
    billingProfile: canOnParent(P.READ_BILLING),
    webhookEndpoints: canOnParent(P.MANAGE_WEBHOOKS),
    provisioningTokens: canOnParent(P.MANAGE_PROVISIONING),
    emailDomains: canOnParent(P.UPDATE),
    customRoles: canOnParent(P.READ_MEMBERS),
    seatsUsed: seesSeats,
    signInPolicy: canOnParent(P.UPDATE),
    // Whether the caller must sign in again to use the organization: readable even then (false for non-members).
    viewerSignInRequired: isAuthenticated,
    // How the caller may get in: readable where the name is (null for members and others).
    viewerJoinMode: canReadOrIsInvited,
    // READ; the list holds only the requests of scopes where the caller has MANAGE_MEMBERS.
    accessRequests: canOnParent(P.READ),
  },
  Workspace: {
    '*': canOnParent(P.READ),
    auditLog: canOnParent(P.READ_AUDIT_LOG),
    auditLogPeople: canOnParent(P.READ_AUDIT_LOG),
    id: canReadOrIsInvited,
    name: canReadOrIsInvited,
    createdAt: seesWholeScopeOfParent,
    members: canOnParent(P.READ_MEMBERS),
    invitations: canOnParent(P.INVITE_MEMBERS),
    billing: canOnParent(P.READ_BILLING),
  },
  Domain: {
    '*': canOnParent(P.READ),
    auditLog: canOnParent(P.READ_AUDIT_LOG),
    auditLogPeople: canOnParent(P.READ_AUDIT_LOG),
    id: canReadOrIsInvited,
    hostname: canReadOrIsInvited,
    members: canOnParent(P.READ_MEMBERS),
    invitations: canOnParent(P.INVITE_MEMBERS),
  },
  ...Object.fromEntries(OPEN_TYPES.map((type) => [type, allow])),
};

export const permissions = shield(RULES, {
  fallbackRule: deny,
  // A rule that throws (the database is down) must not read as a denial: `debug` makes shield
  // rethrow, and the error formatter masks it as INTERNAL_SERVER_ERROR.
  debug: true,
  allowExternalErrors: true,
  fallbackError: () => new ForbiddenError(),
});
