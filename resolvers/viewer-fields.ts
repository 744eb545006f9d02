import type { Context } from '../src/context';
import { type Permission, type Role, type ScopeRef, sortedPermissions } from '../permissions/access';

/** `viewerRole` and `viewerPermissions` of any scope: straight from the permission table. */
export async function viewerRole(ctx: Context, scope: ScopeRef): Promise<Role | null> {
  return (await ctx.access.at(scope)).role;
}

export async function viewerPermissions(ctx: Context, scope: ScopeRef): Promise<Permission[]> {
  return sortedPermissions((await ctx.access.at(scope)).permissions);
}
