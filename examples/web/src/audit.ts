import type { AuditAction } from './generated';

type Group =
  | 'Members'
  | 'Invitations'
  | 'Organization, workspaces and domains'
  | 'Billing and seats'
  | 'Email domains'
  | 'Webhooks'
  | 'Directory provisioning'
  | 'Roles';

/**
 * Every audit action as a person reads it, with its group: the audit log's filter and the
 * webhook form read this. A `Record` over the API's enum, so a new action fails the type check
 * until it is worded here.
 */
const ACTIONS: Record<AuditAction, [Group, string]> = {
  MEMBER_ADDED: ['Members', 'Member added'],
  MEMBER_ROLE_CHANGED: ['Members', 'Role changed'],
  MEMBER_REMOVED: ['Members', 'Member removed'],
  MEMBER_LEFT: ['Members', 'Member left'],
  MEMBER_EXPIRY_CHANGED: ['Members', 'Access end changed'],
  MEMBER_EXPIRED: ['Members', 'Access ended'],
  MEMBER_JOINED_BY_EMAIL_DOMAIN: ['Members', 'Joined by email domain'],
  ACCESS_REQUESTED: ['Members', 'Asked to join'],
  ACCESS_REQUEST_APPROVED: ['Members', 'Request to join approved'],
  ACCESS_REQUEST_DENIED: ['Members', 'Request to join denied'],
  ACCESS_REQUEST_EXPIRED: ['Members', 'Request to join expired'],
  ACCESS_REQUEST_WITHDRAWN: ['Members', 'Request to join withdrawn'],
  USER_ERASED: ['Members', 'Person erased'],
  INVITATION_CREATED: ['Invitations', 'Invitation sent'],
  INVITATION_RESENT: ['Invitations', 'Invitation resent'],
  INVITATION_REVOKED: ['Invitations', 'Invitation revoked'],
  INVITATION_ACCEPTED: ['Invitations', 'Invitation accepted'],
  INVITATION_DECLINED: ['Invitations', 'Invitation declined'],
  ORGANIZATION_CREATED: ['Organization, workspaces and domains', 'Organization created'],
  ORGANIZATION_UPDATED: ['Organization, workspaces and domains', 'Organization renamed'],
  ORGANIZATION_DELETED: ['Organization, workspaces and domains', 'Organization deleted'],
  ORGANIZATION_WITHOUT_ADMIN: ['Organization, workspaces and domains', 'Organization left without an admin'],
  WORKSPACE_CREATED: ['Organization, workspaces and domains', 'Workspace created'],
  WORKSPACE_UPDATED: ['Organization, workspaces and domains', 'Workspace renamed'],
  WORKSPACE_DELETED: ['Organization, workspaces and domains', 'Workspace deleted'],
  DOMAIN_CREATED: ['Organization, workspaces and domains', 'Domain created'],
  DOMAIN_UPDATED: ['Organization, workspaces and domains', 'Domain renamed'],
  DOMAIN_DELETED: ['Organization, workspaces and domains', 'Domain deleted'],
  BILLING_UPDATED: ['Billing and seats', 'Billing details changed'],
  SEAT_LIMIT_CHANGED: ['Billing and seats', 'Seat limit changed'],
  EMAIL_DOMAIN_ADDED: ['Email domains', 'Email domain claimed'],
  EMAIL_DOMAIN_VERIFIED: ['Email domains', 'Email domain verified'],
  EMAIL_DOMAIN_UPDATED: ['Email domains', 'Email domain changed'],
  EMAIL_DOMAIN_REMOVED: ['Email domains', 'Email domain removed'],
  WEBHOOK_ENDPOINT_CREATED: ['Webhooks', 'Webhook added'],
  WEBHOOK_ENDPOINT_UPDATED: ['Webhooks', 'Webhook changed'],
  WEBHOOK_ENDPOINT_DELETED: ['Webhooks', 'Webhook deleted'],
  WEBHOOK_ENDPOINT_DISABLED: ['Webhooks', 'Webhook endpoint disabled after failing'],
  PROVISIONING_TOKEN_CREATED: ['Directory provisioning', 'Provisioning token created'],
  PROVISIONING_TOKEN_REVOKED: ['Directory provisioning', 'Provisioning token revoked'],
  ROLE_CREATED: ['Roles', 'Custom role created'],
  ROLE_UPDATED: ['Roles', 'Custom role edited'],
  ROLE_DELETED: ['Roles', 'Custom role deleted'],
  SIGN_IN_POLICY_CHANGED: ['Organization, workspaces and domains', 'Sign-in policy changed'],
  SIGN_IN_POLICY_BYPASSED: ['Organization, workspaces and domains', 'Sign-in policy bypassed (break-glass)'],
};

export const ALL_AUDIT_ACTIONS = Object.keys(ACTIONS) as AuditAction[];

export const auditLabel = (action: AuditAction): string => ACTIONS[action][1];

export const AUDIT_GROUPS: { label: Group; actions: AuditAction[] }[] = [];
for (const action of ALL_AUDIT_ACTIONS) {
  const [group] = ACTIONS[action];
  const entry = AUDIT_GROUPS.find((g) => g.label === group);
  if (entry) entry.actions.push(action);
  else AUDIT_GROUPS.push({ label: group, actions: [action] });
}
