import { registerEnumType } from 'type-graphql';
import { InvitationStatus } from '../../entities/invitation.entity';
import { Permission, Role, ScopeKind } from '../../permissions/access';

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

export { Permission, Role, ScopeKind };

registerEnumType(InvitationStatus, { name: 'InvitationStatus' });

export { InvitationStatus };
