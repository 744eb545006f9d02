import { registerEnumType } from 'type-graphql';

/**
 * The domain's vocabulary: the enums every layer speaks, registered with type-graphql here so that
 * an entity or a resolver importing them gets them in the schema. Nothing here depends on the
 * rest of the service.
 */

export enum Role {
  ADMIN = 'ADMIN',
  ACCOUNTING = 'ACCOUNTING',
  MEMBER = 'MEMBER',
}

export enum ScopeKind {
  ORGANIZATION = 'ORGANIZATION',
  WORKSPACE = 'WORKSPACE',
  DOMAIN = 'DOMAIN',
}

export enum Permission {
  READ = 'READ',
  UPDATE = 'UPDATE',
  DELETE = 'DELETE',
  READ_MEMBERS = 'READ_MEMBERS',
  INVITE_MEMBERS = 'INVITE_MEMBERS',
  MANAGE_MEMBERS = 'MANAGE_MEMBERS',
  CREATE_WORKSPACE = 'CREATE_WORKSPACE',
  CREATE_DOMAIN = 'CREATE_DOMAIN',
  READ_BILLING = 'READ_BILLING',
  UPDATE_BILLING = 'UPDATE_BILLING',
  READ_AUDIT_LOG = 'READ_AUDIT_LOG',
  MANAGE_WEBHOOKS = 'MANAGE_WEBHOOKS',
  MANAGE_PROVISIONING = 'MANAGE_PROVISIONING',
  MANAGE_ROLES = 'MANAGE_ROLES',
}

export enum InvitationStatus {
  PENDING = 'PENDING',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}

registerEnumType(Role, {
  name: 'Role',
  description:
    'A role held in one scope. Organizations accept ADMIN, ACCOUNTING and MEMBER; workspaces and domains ADMIN and MEMBER.',
  valuesConfig: {
    ADMIN: { description: 'Full control of the scope and, by inheritance, of every workspace and domain below it.' },
    ACCOUNTING: {
      description:
        'Organization scope only: reads and edits the invoicing information of the organization and of all its workspaces.',
    },
    MEMBER: { description: 'The default role: sees the scope; no special permission.' },
  },
});

registerEnumType(ScopeKind, { name: 'ScopeKind', description: 'The three levels at which people are members.' });

registerEnumType(Permission, {
  name: 'Permission',
  description: 'What the caller may do in one scope. The server decides with the same rules it enforces.',
  valuesConfig: {
    READ_AUDIT_LOG: { description: "The scope's audit log (AuditEvent)." },
    MANAGE_WEBHOOKS: { description: 'Organization only: webhook endpoints and their deliveries.' },
    MANAGE_PROVISIONING: { description: 'Organization only: SCIM provisioning tokens.' },
    MANAGE_ROLES: { description: 'Organization only: the custom roles the organization defines.' },
  },
});

registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

/** What changed membership, access, settings or billing: one audit event each. */
export enum AuditAction {
  ORGANIZATION_CREATED = 'ORGANIZATION_CREATED',
  ORGANIZATION_UPDATED = 'ORGANIZATION_UPDATED',
  ORGANIZATION_DELETED = 'ORGANIZATION_DELETED',
  WORKSPACE_CREATED = 'WORKSPACE_CREATED',
  WORKSPACE_UPDATED = 'WORKSPACE_UPDATED',
  WORKSPACE_DELETED = 'WORKSPACE_DELETED',
  DOMAIN_CREATED = 'DOMAIN_CREATED',
  DOMAIN_UPDATED = 'DOMAIN_UPDATED',
  DOMAIN_DELETED = 'DOMAIN_DELETED',
  INVITATION_CREATED = 'INVITATION_CREATED',
  INVITATION_RESENT = 'INVITATION_RESENT',
  INVITATION_REVOKED = 'INVITATION_REVOKED',
  INVITATION_ACCEPTED = 'INVITATION_ACCEPTED',
  INVITATION_DECLINED = 'INVITATION_DECLINED',
  MEMBER_ADDED = 'MEMBER_ADDED',
  MEMBER_ROLE_CHANGED = 'MEMBER_ROLE_CHANGED',
  MEMBER_REMOVED = 'MEMBER_REMOVED',
  MEMBER_LEFT = 'MEMBER_LEFT',
  MEMBER_EXPIRY_CHANGED = 'MEMBER_EXPIRY_CHANGED',
  MEMBER_EXPIRED = 'MEMBER_EXPIRED',
  MEMBER_JOINED_BY_EMAIL_DOMAIN = 'MEMBER_JOINED_BY_EMAIL_DOMAIN',
  BILLING_UPDATED = 'BILLING_UPDATED',
  SEAT_LIMIT_CHANGED = 'SEAT_LIMIT_CHANGED',
  EMAIL_DOMAIN_ADDED = 'EMAIL_DOMAIN_ADDED',
  EMAIL_DOMAIN_VERIFIED = 'EMAIL_DOMAIN_VERIFIED',
  EMAIL_DOMAIN_UPDATED = 'EMAIL_DOMAIN_UPDATED',
  EMAIL_DOMAIN_REMOVED = 'EMAIL_DOMAIN_REMOVED',
  WEBHOOK_ENDPOINT_CREATED = 'WEBHOOK_ENDPOINT_CREATED',
  WEBHOOK_ENDPOINT_UPDATED = 'WEBHOOK_ENDPOINT_UPDATED',
  WEBHOOK_ENDPOINT_DELETED = 'WEBHOOK_ENDPOINT_DELETED',
  /** An endpoint whose deliveries all failed for WEBHOOK_DISABLE_AFTER_HOURS was disabled by the service. */
  WEBHOOK_ENDPOINT_DISABLED = 'WEBHOOK_ENDPOINT_DISABLED',
  /** A SCIM provisioning token was made or revoked (docs/domain-rules.md §15). */
  PROVISIONING_TOKEN_CREATED = 'PROVISIONING_TOKEN_CREATED',
  PROVISIONING_TOKEN_REVOKED = 'PROVISIONING_TOKEN_REVOKED',
  /** An erasure or a deprovisioning left the organization without an ADMIN (docs/domain-rules.md §16). */
  ORGANIZATION_WITHOUT_ADMIN = 'ORGANIZATION_WITHOUT_ADMIN',
  /** A person was erased, at the identity provider's request or by an operator (docs/domain-rules.md §16). */
  USER_ERASED = 'USER_ERASED',
  /** A custom role was defined, edited or deleted (docs/domain-rules.md §18). */
  ROLE_CREATED = 'ROLE_CREATED',
  ROLE_UPDATED = 'ROLE_UPDATED',
  ROLE_DELETED = 'ROLE_DELETED',
  /** An organization's sign-in policy was set (docs/domain-rules.md §20). */
  SIGN_IN_POLICY_CHANGED = 'SIGN_IN_POLICY_CHANGED',
  /** A break-glass member acted without satisfying the sign-in policy: at most one an hour per person and organization. */
  SIGN_IN_POLICY_BYPASSED = 'SIGN_IN_POLICY_BYPASSED',
  /**
   * Someone asked to join a scope; approved, denied, left unanswered for 30 days, or withdrawn —
   * by the requester, or by their leaving the organization (docs/domain-rules.md §20).
   */
  ACCESS_REQUESTED = 'ACCESS_REQUESTED',
  ACCESS_REQUEST_APPROVED = 'ACCESS_REQUEST_APPROVED',
  ACCESS_REQUEST_DENIED = 'ACCESS_REQUEST_DENIED',
  ACCESS_REQUEST_EXPIRED = 'ACCESS_REQUEST_EXPIRED',
  ACCESS_REQUEST_WITHDRAWN = 'ACCESS_REQUEST_WITHDRAWN',
}

registerEnumType(AuditAction, {
  name: 'AuditAction',
  description: 'What changed membership, access, settings or billing. Written in the same transaction as the change.',
  valuesConfig: {
    ORGANIZATION_WITHOUT_ADMIN: {
      description: 'An erasure or a deprovisioning left the organization without an ADMIN.',
    },
    USER_ERASED: {
      description:
        "A person was erased: at the identity provider's request (source IDENTITY_PROVIDER) or by an operator's command (SYSTEM).",
    },
  },
});

/** What a members list is ordered by (ties broken by id). */
export enum MemberOrderField {
  JOINED_AT = 'JOINED_AT',
  NAME = 'NAME',
  EMAIL = 'EMAIL',
}

registerEnumType(MemberOrderField, {
  name: 'MemberOrderField',
  valuesConfig: { NAME: { description: 'The display name, people without one last.' } },
});

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(OrderDirection, { name: 'OrderDirection' });

/** Where a change came from (`AuditEvent.source`). */
export enum ChangeSource {
  USER = 'USER',
  PROVISIONING = 'PROVISIONING',
  IDENTITY_PROVIDER = 'IDENTITY_PROVIDER',
  SYSTEM = 'SYSTEM',
}

registerEnumType(ChangeSource, {
  name: 'ChangeSource',
  description: 'Where a change came from.',
  valuesConfig: {
    USER: { description: 'A signed-in person through the API.' },
    PROVISIONING: { description: 'A directory through SCIM, with a provisioning token.' },
    IDENTITY_PROVIDER: { description: "The identity provider's events (an erasure, a changed address)." },
    SYSTEM: { description: 'The service itself (an expiry, a retention sweep).' },
  },
});

/** Where a delivery (a webhook call, an email) stands. */
export enum DeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

registerEnumType(DeliveryStatus, { name: 'DeliveryStatus' });

/** Who may join an organization by a verified email domain of it. */
export enum EnrollmentMode {
  NONE = 'NONE',
  AUTO_JOIN = 'AUTO_JOIN',
  REQUEST = 'REQUEST',
}

registerEnumType(EnrollmentMode, {
  name: 'EnrollmentMode',
  valuesConfig: {
    NONE: { description: 'Verified, and nobody joins by it.' },
    AUTO_JOIN: { description: 'People signed in with a verified address at this domain may join as MEMBER.' },
    REQUEST: {
      description: 'People signed in with a verified address at this domain may ask to join; a manager decides.',
    },
  },
});

/** Where a request to join stands (docs/domain-rules.md §20). EXPIRED is also derived: a PENDING one past its date. */
export enum AccessRequestStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  DENIED = 'DENIED',
  EXPIRED = 'EXPIRED',
  WITHDRAWN = 'WITHDRAWN',
}

registerEnumType(AccessRequestStatus, { name: 'AccessRequestStatus' });
