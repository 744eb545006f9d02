import { rule } from 'graphql-shield';
import type { Rule } from 'graphql-shield/typings/rules';
import type { Context } from '../../src/context';
import { ForbiddenError, NotFoundError } from '../../src/errors';
import { Permission, type ScopeKind } from '../access';
import { loadScope, SCOPE_LABEL } from '../scopes';

const rules = new Map<string, Rule>();

function argumentAt(args: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], args);
}

/**
 * A root field that names a scope by id (at `argPath`, e.g. `id` or `input.workspaceId`) needs
 * `permission` there. A scope the caller may not READ answers exactly like one that does not
 * exist (NOT_FOUND); a visible one without the permission is FORBIDDEN.
 */
export function canOnArgument(kind: ScopeKind, argPath: string, permission: Permission): Rule {
  const name = `canOnArgument_${kind}_${argPath}_${permission}`;
  let found = rules.get(name);
  if (!found) {
    found = rule(name, { cache: 'no_cache' })(async (_parent, args, ctx: Context) => {
      const id = argumentAt(args, argPath);
      const scope = typeof id === 'string' ? await loadScope(ctx, kind, id) : null;
      const access = scope ? await ctx.access.at(scope) : null;
      if (!access || !access.permissions.has(Permission.READ)) return new NotFoundError(SCOPE_LABEL[kind]);
      return access.permissions.has(permission) ? true : new ForbiddenError();
    });
    rules.set(name, found);
  }
  return found;
}
