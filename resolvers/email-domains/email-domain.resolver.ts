import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { EmailDomain } from '../../entities/email-domain.entity';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import type { RequestScope } from '../../src/request/scope';
import * as emailDomains from '../../src/services/email-domains/email-domain.service';
import { AddEmailDomainInput, UpdateEmailDomainInput } from '../types/inputs';

@Resolver(() => Organization)
export class OrganizationEmailDomainsResolver {
  @FieldResolver(() => [EmailDomain], { nullable: true, description: 'Needs UPDATE.' })
  emailDomains(@Root() organization: Organization, @Ctx() ctx: RequestScope) {
    return emailDomains.emailDomainsOf(ctx, organization.id);
  }
}

@Resolver(() => EmailDomain)
export class EmailDomainResolver {
  @Mutation(() => EmailDomain, {
    description:
      'Claims an email domain for the organization; it counts once verified. Needs UPDATE on the organization.',
  })
  addEmailDomain(@Arg('input', () => AddEmailDomainInput) input: AddEmailDomainInput, @Ctx() ctx: RequestScope) {
    return emailDomains.addEmailDomain(ctx, input);
  }

  @Mutation(() => EmailDomain, {
    description: "Looks the domain's TXT record up in DNS; VERIFICATION_FAILED when it is not there.",
  })
  verifyEmailDomain(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return emailDomains.verifyEmailDomain(ctx, id);
  }

  @Mutation(() => EmailDomain)
  updateEmailDomain(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateEmailDomainInput) input: UpdateEmailDomainInput,
    @Ctx() ctx: RequestScope,
  ) {
    return emailDomains.updateEmailDomain(ctx, id, input);
  }

  @Mutation(() => ID)
  removeEmailDomain(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return emailDomains.removeEmailDomain(ctx, id);
  }

  @Mutation(() => Membership, {
    description:
      'Joins as MEMBER an organization that lets people with a verified address at one of its verified AUTO_JOIN domains in (User.joinableOrganizations). NOT_FOUND otherwise.',
  })
  joinOrganization(@Arg('organizationId', () => ID) organizationId: string, @Ctx() ctx: RequestScope) {
    return emailDomains.joinOrganization(ctx, organizationId);
  }
}
