import { seesWholeScope } from '../access';
import { Permission } from '../../src/domain/enums';
import { onParentScope } from './parent-scope';

/**
 * Details of a scope beyond its id, name and organization: for those who READ it through a role
 * of their own there or above, not for a bare domain member looking at the domain's workspace.
 */
export const seesWholeScopeOfParent = onParentScope(
  'seesWholeScopeOfParent',
  async (scope, ctx) => seesWholeScope(await ctx.access.at(scope)),
  Permission.READ,
);
