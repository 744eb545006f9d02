import { rule } from 'graphql-shield';
import type { Context } from '../../src/context';
import { ForbiddenError } from '../../src/errors';
import { seesWholeScope } from '../access';
import { scopeOfEntity } from '../scopes';

/**
 * Details of a scope beyond its id, name and organization: for those who READ it through a role
 * of their own there or above, not for a bare domain member looking at the domain's workspace.
 */
export const seesWholeScopeOfParent = rule('seesWholeScopeOfParent', { cache: 'no_cache' })(async (
  parent,
  _args,
  ctx: Context,
) => {
  const scope = scopeOfEntity(parent);
  if (!scope) return new ForbiddenError();
  return seesWholeScope(await ctx.access.at(scope)) ? true : new ForbiddenError();
});
