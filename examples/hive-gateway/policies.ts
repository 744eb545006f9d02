import { getDirectiveExtensions } from '@graphql-tools/utils';
import {
  type DocumentNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isUnionType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';

type Directable = GraphQLNamedType | GraphQLField<unknown, unknown>;

function addPoliciesOf(element: Directable | null | undefined, schema: GraphQLSchema, into: Set<string>): void {
  if (!element) return;
  const found = getDirectiveExtensions<{ policy: { policies?: string[][] } }>(element, schema).policy ?? [];
  for (const { policies } of found) for (const group of policies ?? []) for (const name of group) into.add(name);
}

/**
 * The `@policy` names a document meets, as Hive Gateway's generic auth checks them: for each field
 * selected anywhere in the document (every operation and fragment), the field's own policies and
 * its parent type's (each member's for a union). The gateway's hook is not told these names; it
 * must find them to ask the decision point about them.
 */
export function policiesOfDocument(schema: GraphQLSchema, document: DocumentNode): string[] {
  const names = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        if (isUnionType(parent)) for (const member of parent.getTypes()) addPoliciesOf(member, schema, names);
        else addPoliciesOf(parent, schema, names);
        addPoliciesOf(typeInfo.getFieldDef(), schema, names);
      },
    }),
  );
  return [...names];
}
