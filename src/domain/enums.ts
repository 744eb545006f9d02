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
  description: 'A role held in one scope. Which roles a scope accepts: SPEC.md.',
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
});

registerEnumType(InvitationStatus, { name: 'InvitationStatus' });
