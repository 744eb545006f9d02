import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { Membership } from '../../entities/membership.entity';
import { Organization } from '../../entities/organization.entity';
import { ScopeKind } from '../../src/domain/enums';
import type { RequestScope } from '../../src/request/scope';
import { setSignInPolicy } from '../../src/services/sign-in-policy/sign-in-policy.service';
import { SignInPolicy, SignInPolicyInput } from './sign-in-policy.types';

/** An organization's sign-in policy (docs/domain-rules.md §20). */
@Resolver(() => Organization)
export class OrganizationSignInPolicyResolver {
  @FieldResolver(() => SignInPolicy, { nullable: true, description: 'Needs UPDATE.' })
  signInPolicy(@Root() organization: Organization): SignInPolicy {
    const policy = organization.signInPolicy();
    return Object.assign(new SignInPolicy(), {
      requireSso: policy.requireSso,
      ssoConnection: policy.ssoConnection,
      requireMfa: policy.requireMfa,
      updatedAt: organization.signInPolicyUpdatedAt ?? null,
      organizationId: organization.id,
      breakGlassIds: policy.breakGlass,
    });
  }

  @FieldResolver(() => Boolean, {
    description:
      "True when the caller's current sign-in does not satisfy the organization's sign-in policy. Readable even then.",
  })
  async viewerSignInRequired(@Root() organization: Organization, @Ctx() ctx: RequestScope): Promise<boolean> {
    return (await ctx.access.signInStandingIn(organization.id)).kind === 'blocked';
  }

  @Mutation(() => Organization, {
    description:
      "Needs UPDATE on the organization. SIGN_IN_POLICY_LOCKOUT when the caller's own sign-in would not satisfy it.",
  })
  setSignInPolicy(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('input', () => SignInPolicyInput) input: SignInPolicyInput,
    @Ctx() ctx: RequestScope,
  ) {
    return setSignInPolicy(ctx, organizationId, input);
  }
}

@Resolver(() => SignInPolicy)
export class SignInPolicyResolver {
  /** The break-glass members still in the organization (an entry outlives a removal, and then shows nothing). */
  @FieldResolver(() => [Membership], { description: 'Members exempt from the policy (at most 3).' })
  async breakGlass(@Root() policy: SignInPolicy, @Ctx() ctx: RequestScope): Promise<Membership[]> {
    const found = await ctx.loaders.membership.loadMany(policy.breakGlassIds);
    return found.filter(
      (m): m is Membership =>
        m instanceof Membership && m.organizationId === policy.organizationId && m.scope === ScopeKind.ORGANIZATION,
    );
  }
}
