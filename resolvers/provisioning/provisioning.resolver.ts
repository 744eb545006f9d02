import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { ProvisioningToken } from '../../entities/provisioning-token.entity';
import { User } from '../../entities/user.entity';
import type { RequestScope } from '../../src/request/scope';
import * as tokens from '../../src/services/provisioning/provisioning-tokens.service';
import { CreateProvisioningTokenInput, ProvisioningTokenCreated } from './provisioning.types';

/** SCIM provisioning tokens (docs/domain-rules.md §15); MANAGE_PROVISIONING, checked by the rules. */
@Resolver(() => ProvisioningToken)
export class ProvisioningTokenResolver {
  @FieldResolver(() => User, { nullable: true })
  createdBy(@Root() token: ProvisioningToken, @Ctx() ctx: RequestScope) {
    return token.createdById ? ctx.loaders.user.load(token.createdById) : null;
  }

  @Mutation(() => ProvisioningTokenCreated, {
    description:
      "A SCIM bearer token for the organization's directory; the token is shown in this answer only. Needs MANAGE_PROVISIONING.",
  })
  async createProvisioningToken(
    @Arg('input', () => CreateProvisioningTokenInput) input: CreateProvisioningTokenInput,
    @Ctx() ctx: RequestScope,
  ): Promise<ProvisioningTokenCreated> {
    return Object.assign(new ProvisioningTokenCreated(), await tokens.createProvisioningToken(ctx, input));
  }

  @Mutation(() => ID)
  revokeProvisioningToken(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return tokens.revokeProvisioningToken(ctx, id);
  }
}
