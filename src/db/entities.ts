import { AccessRequest } from '../../entities/access-request.entity';
import { AuditEvent } from '../../entities/audit-event.entity';
import { BillingProfile, WorkspaceBilling } from '../../entities/billing.entity';
import { CustomRole } from '../../entities/custom-role.entity';
import { Domain } from '../../entities/domain.entity';
import { EmailDomain } from '../../entities/email-domain.entity';
import { Invitation } from '../../entities/invitation.entity';
import { InvitationCounter } from '../../entities/invitation-counter.entity';
import { JobLease } from '../../entities/job-lease.entity';
import { ProvisioningToken } from '../../entities/provisioning-token.entity';
import { ScimGroupMember } from '../../entities/scim-group-member.entity';
import { ScimUser } from '../../entities/scim-user.entity';
import { OutboxEmail } from '../../entities/outbox-email.entity';
import { MemberCount } from '../../entities/member-count.entity';
import { MemberWord } from '../../entities/member-word.entity';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import { User } from '../../entities/user.entity';
import { UserAddress } from '../../entities/user-address.entity';
import { IdentityEvent } from '../../entities/identity-event.entity';
import { WebhookDelivery, WebhookEndpoint } from '../../entities/webhook.entity';
import { Workspace } from '../../entities/workspace.entity';

export const entities = [
  User,
  Organization,
  Workspace,
  Domain,
  Membership,
  MemberCount,
  MemberWord,
  Invitation,
  InvitationCounter,
  OutboxEmail,
  BillingProfile,
  WorkspaceBilling,
  AuditEvent,
  WebhookEndpoint,
  WebhookDelivery,
  EmailDomain,
  JobLease,
  ProvisioningToken,
  ScimUser,
  ScimGroupMember,
  UserAddress,
  IdentityEvent,
  CustomRole,
  AccessRequest,
];
