import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { BillingProfile, WorkspaceBilling } from '../../entities/billing.entity';
import type { RequestScope } from '../../src/request/scope';
import * as billing from '../../src/services/billing/billing.service';
import { BillingProfileInput, WorkspaceBillingInput } from '../types/inputs';

@Resolver()
export class BillingResolver {
  @Mutation(() => BillingProfile)
  updateBillingProfile(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('input', () => BillingProfileInput) input: BillingProfileInput,
    @Ctx() ctx: RequestScope,
  ) {
    return billing.updateBillingProfile(ctx, organizationId, input);
  }

  @Mutation(() => WorkspaceBilling)
  updateWorkspaceBilling(
    @Arg('workspaceId', () => ID) workspaceId: string,
    @Arg('input', () => WorkspaceBillingInput) input: WorkspaceBillingInput,
    @Ctx() ctx: RequestScope,
  ) {
    return billing.updateWorkspaceBilling(ctx, workspaceId, input);
  }
}
