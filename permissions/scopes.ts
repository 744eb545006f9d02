/**
 * The pure half of the rules' targets: what an argument may name, and what NOT_FOUND calls it. Finding
 * the scope a value points at reads the database: `permissions/rules/load-scope.ts`.
 */

/**
 * What a root field's argument names: a scope by id, a `ScopeInput`, or a row that lives in a
 * scope (an invitation, a membership). Rules decide on the scope it belongs to.
 */
export type Target =
  | 'Organization'
  | 'Workspace'
  | 'Domain'
  | 'ScopeInput'
  | 'Invitation'
  | 'Member'
  | 'WebhookEndpoint'
  | 'WebhookDelivery'
  | 'ProvisioningToken'
  | 'EmailDomain'
  | 'CustomRole'
  | 'AccessRequest';

/** What NOT_FOUND names for each target. */
export const TARGET_LABEL: Record<Target, string> = {
  Organization: 'Organization',
  Workspace: 'Workspace',
  Domain: 'Domain',
  ScopeInput: 'Scope',
  Invitation: 'Invitation',
  Member: 'Member',
  WebhookEndpoint: 'Webhook endpoint',
  WebhookDelivery: 'Webhook delivery',
  ProvisioningToken: 'Provisioning token',
  EmailDomain: 'Email domain',
  CustomRole: 'Custom role',
  AccessRequest: 'Access request',
};
