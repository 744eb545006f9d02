import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import { RULES } from '../../permissions';
import { allowsAlready } from '../../permissions/rules/parent-scope';

/**
 * Shield runs every guarded field through an async middleware and its rule's promise: on an
 * organization's tree, a few thousand promises for decisions the request has already made (the
 * viewer's access at each workspace and domain is decided once, when the list is filtered). For a
 * field whose rule says when it is already known to allow (`allowsAlready`), the field first asks
 * that, synchronously, and where it is known resolves as it would unguarded; anywhere else — not
 * decided yet, or refused — the rule runs as before, with its own errors. It allows only what the
 * rule would allow: no decision changes, only how soon it is known.
 */
export function withQuickAllowances(guarded: GraphQLSchema, plain: GraphQLSchema): GraphQLSchema {
  for (const [typeName, rules] of Object.entries(RULES)) {
    // A rule for a whole type (the open types' `allow`) has no fields of its own here.
    if (typeof (rules as { resolve?: unknown }).resolve === 'function') continue;
    const guardedType = guarded.getType(typeName);
    const plainType = plain.getType(typeName);
    if (!isObjectType(guardedType) || !isObjectType(plainType)) continue;
    const plainFields = plainType.getFields();
    const fieldRules = rules as Record<string, object>;
    for (const [fieldName, field] of Object.entries(guardedType.getFields())) {
      const rule = fieldRules[fieldName] ?? fieldRules['*'];
      const known = rule && allowsAlready.get(rule as never);
      const viaRule = field.resolve;
      if (!known || !viaRule) continue;
      const unguarded: GraphQLFieldResolver<unknown, unknown> = plainFields[fieldName].resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, ctx, info) =>
        known(parent, ctx) ? unguarded(parent, args, ctx, info) : viaRule(parent, args, ctx, info);
    }
  }
  return guarded;
}
