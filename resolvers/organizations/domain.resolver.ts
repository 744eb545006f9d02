import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Domain } from '../../entities/domain.entity';
import { Workspace } from '../../entities/workspace.entity';
import type { RequestScope } from '../../src/request/scope';
import * as scopes from '../../src/services/organizations/scope.service';
import { domainScope } from '../../src/domain/scope';
import { CreateDomainInput, UpdateDomainInput } from '../types/inputs';
import { ScopeFieldsResolver } from './scope-fields.resolver';

@Resolver(() => Domain)
export class DomainResolver extends ScopeFieldsResolver(
  Domain,
  domainScope,
  "The caller's effective role here, inheritance included, or null.",
) {
  @Query(() => Domain, { nullable: true })
  domain(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return scopes.findDomain(ctx, id);
  }

  @FieldResolver(() => Workspace)
  workspace(@Root() domain: Domain, @Ctx() ctx: RequestScope) {
    return ctx.loaders.workspace.load(domain.workspaceId);
  }

  @Mutation(() => Domain)
  createDomain(@Arg('input', () => CreateDomainInput) input: CreateDomainInput, @Ctx() ctx: RequestScope) {
    return scopes.createDomain(ctx, input);
  }

  @Mutation(() => Domain)
  updateDomain(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateDomainInput) input: UpdateDomainInput,
    @Ctx() ctx: RequestScope,
  ) {
    return scopes.updateDomain(ctx, id, input);
  }

  @Mutation(() => ID)
  deleteDomain(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    return scopes.deleteDomain(ctx, id);
  }
}
