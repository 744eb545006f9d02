import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { ScopeKind } from '../../src/domain/enums';
import type { RequestScope } from '../../src/request/scope';
import { accessibleScopes } from '../../src/services/authorization/accessible-scopes.service';
import { PermissionDefinition, ScopeConnection } from './authorization.types';

/** The supergraph's permission keys and where the caller holds them (docs/domain-rules.md §18, §19). */
@Resolver()
export class AuthorizationResolver {
  @Query(() => [PermissionDefinition], {
    description: 'Every permission key, built-in and declared, with its description and scope kinds.',
  })
  permissions(@Ctx() ctx: RequestScope): PermissionDefinition[] {
    return ctx.permissions.definitions();
  }

  @Query(() => ScopeConnection, {
    description: 'The scopes of one kind where the caller holds a permission key, oldest first.',
  })
  async accessibleScopes(
    @Arg('permission', () => String) permission: string,
    @Arg('kind', () => ScopeKind) kind: ScopeKind,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestScope,
  ): Promise<ScopeConnection> {
    return Object.assign(new ScopeConnection(), await accessibleScopes(ctx, permission, kind, { first, after }));
  }
}
