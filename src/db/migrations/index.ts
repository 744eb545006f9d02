import { InitialSchema1764300000000 } from './1764300000000-initial-schema';
import { InvitationsOutboxBilling1764310000000 } from './1764310000000-invitations-outbox-billing';
import { OrganizationVersion1764320000000 } from './1764320000000-organization-version';
import { BytewiseEmailsAndSearchKey1764330000000 } from './1764330000000-bytewise-emails-and-search-key';
import { InvitationCounters1764340000000 } from './1764340000000-invitation-counters';
import { AuditEvents1764350000000 } from './1764350000000-audit-events';
import { Webhooks1764360000000 } from './1764360000000-webhooks';
import { OutboxLastAttempt1764370000000 } from './1764370000000-outbox-last-attempt';
import { MemberOrder1764380000000 } from './1764380000000-member-order';
import { SeatsAndExpiry1764390000000 } from './1764390000000-seats-and-expiry';
import { EmailDomains1764400000000 } from './1764400000000-email-domains';
import { MemberCounts1764410000000 } from './1764410000000-member-counts';
import { AuditSource1764420000000 } from './1764420000000-audit-source';
import { FairDelivery1764430000000 } from './1764430000000-fair-delivery';
import { MemberWords1764440000000 } from './1764440000000-member-words';
import { PeopleData1764450000000 } from './1764450000000-people-data';
import { Provisioning1764460000000 } from './1764460000000-provisioning';
import { PeopleHistory1764475000000 } from './1764475000000-people-history';
import { ScimUserEmail1764476000000 } from './1764476000000-scim-user-email';
import { CustomRoles1764490000000 } from './1764490000000-custom-roles';
import { SignInPolicy1764500000000 } from './1764500000000-sign-in-policy';
import { DirectoryCustomRoles1764510000000 } from './1764510000000-directory-custom-roles';
import { AccessRequests1764600000000 } from './1764600000000-access-requests';
import { AuditBeforeAfter1764700000000 } from './1764700000000-audit-before-after';
import { AuditPeople1764800000000 } from './1764800000000-audit-people';

/** Every migration, oldest first. Listed by hand so that the compiled server needs no glob. */
export const migrations = [
  InitialSchema1764300000000,
  InvitationsOutboxBilling1764310000000,
  OrganizationVersion1764320000000,
  BytewiseEmailsAndSearchKey1764330000000,
  InvitationCounters1764340000000,
  AuditEvents1764350000000,
  Webhooks1764360000000,
  OutboxLastAttempt1764370000000,
  MemberOrder1764380000000,
  SeatsAndExpiry1764390000000,
  EmailDomains1764400000000,
  MemberCounts1764410000000,
  AuditSource1764420000000,
  FairDelivery1764430000000,
  MemberWords1764440000000,
  PeopleData1764450000000,
  Provisioning1764460000000,
  PeopleHistory1764475000000,
  ScimUserEmail1764476000000,
  CustomRoles1764490000000,
  SignInPolicy1764500000000,
  DirectoryCustomRoles1764510000000,
  AccessRequests1764600000000,
  AuditBeforeAfter1764700000000,
  AuditPeople1764800000000,
];
