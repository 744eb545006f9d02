import {
  type FieldNode,
  getArgumentValues,
  type GraphQLResolveInfo,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';

type Fragments = GraphQLResolveInfo['fragments'];

/** Whether the field being resolved selects `name` directly (through fragments too). */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  return fieldsNamed(info.fieldNodes, name, info.fragments).length > 0;
}

/** Whether a members connection's total is asked for (`totalCount` or `totalCountIsLowerBound`). */
export function selectsTotal(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): boolean {
  return ['totalCount', 'totalCountIsLowerBound'].some(
    (name) => fieldsNamed(info.fieldNodes, name, info.fragments).length,
  );
}

/** The fields called `name` that the given fields select directly (through fragments too). */
export function fieldsNamed(nodes: readonly FieldNode[], name: string, fragments: Fragments): FieldNode[] {
  const found: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === name) found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else visit(fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const node of nodes) visit(node.selectionSet);
  return found;
}

/**
 * The `members(…)` that a list of scopes asks of each of its items (`domains { members(first: 10) }`
 * under the field being resolved), with its arguments as the field will get them — or null when it
 * asks none, asks more than one, or its arguments do not read (the field then reports that itself).
 */
export function membersAskedOf(
  info: GraphQLResolveInfo,
  list: string,
  itemType: string,
): { args: Record<string, unknown>; withCount: boolean } | null {
  const members = fieldsNamed(fieldsNamed(info.fieldNodes, list, info.fragments), 'members', info.fragments);
  const type = info.schema.getType(itemType);
  const field = isObjectType(type) ? type.getFields().members : undefined;
  if (members.length !== 1 || !field) return null;
  try {
    return {
      args: getArgumentValues(field, members[0], info.variableValues),
      withCount: selectsTotal({ fieldNodes: members, fragments: info.fragments }),
    };
  } catch {
    return null;
  }
}
