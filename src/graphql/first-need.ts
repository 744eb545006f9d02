import { type DocumentNode, type FieldNode, Kind, type SelectionSetNode, valueFromASTUntyped } from 'graphql';
import type { MemberPageKey } from '../db/member-page';
import { isUuid } from '../domain/validation';
import type { FirstNeed } from '../request/factory';
import { type MemberListArgs, memberPageKey } from '../services/memberships/membership-queries.service';
import {
  operationOf,
  type OperationRequest,
  REMEMBERED_QUERY_LENGTH,
  rememberingParser,
  variablesOf,
} from './operation-scopes';

/**
 * What a GraphQL request will read first, guessed from its operation before anything runs, so that
 * the request scope reads it with the viewer's memberships in one statement. Today one shape: the
 * first root field is `organization(id: …)` and selects `members(…)` — the members page, which
 * then costs no round trip of its own (src/loaders/held-memberships.ts). A wrong or missed guess
 * costs nothing but that: the page read ahead is only used if the resolver asks for the same key,
 * after the rules have allowed it.
 */

/** The parts of a document the guess reads: the organization's id and the members field's arguments. */
interface Shape {
  organizationId: FieldNode['arguments'];
  members: FieldNode;
  withCount: boolean;
}

const fieldsOf = (set: SelectionSetNode | undefined): FieldNode[] =>
  (set?.selections ?? []).filter((s): s is FieldNode => s.kind === Kind.FIELD && !s.directives?.length);

function shapeOf(document: DocumentNode | null, operationName: unknown): Shape | null {
  const operation = operationOf(document, operationName);
  if (operation?.operation !== 'query') return null;
  const root = operation.selectionSet.selections[0];
  if (root?.kind !== Kind.FIELD || root.name.value !== 'organization' || root.directives?.length) return null;
  const members = fieldsOf(root.selectionSet).find((f) => f.name.value === 'members');
  if (!members) return null;
  const counted = fieldsOf(members.selectionSet).some(
    (f) => f.name.value === 'totalCount' || f.name.value === 'totalCountIsLowerBound',
  );
  return { organizationId: root.arguments, members, withCount: counted };
}

/**
 * The first need of a request's operation, with the shape of each document remembered (the parse
 * is the admission's, ./operation-scopes.ts: the same text is the same document, at most 8 KiB),
 * read afresh from each request's variables. Null for anything else, or anything malformed: Apollo
 * answers that itself.
 */
export function firstNeedReader(maxTokens: number): (request: OperationRequest | undefined) => FirstNeed | null {
  const parse = rememberingParser(maxTokens);
  const shapes = new WeakMap<DocumentNode, Map<string, Shape | null>>();
  const shapeIn = (document: DocumentNode, operationName: unknown): Shape | null => {
    let byName = shapes.get(document);
    if (!byName) shapes.set(document, (byName = new Map()));
    const name = String(operationName ?? '');
    let shape = byName.get(name);
    if (shape === undefined) byName.set(name, (shape = shapeOf(document, operationName)));
    return shape;
  };
  return (request) => {
    const query = request?.query;
    // A parsed document (an in-process executeOperation) is its own.
    let document: DocumentNode | null;
    if (isDocument(query)) document = query;
    else if (typeof query === 'string' && query.length <= REMEMBERED_QUERY_LENGTH) document = parse(query);
    else return null;
    const shape = document && shapeIn(document, request?.operationName);
    return shape ? needOf(shape, request?.variables) : null;
  };
}

const isDocument = (value: unknown): value is DocumentNode =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === Kind.DOCUMENT;

function needOf(shape: Shape, variables: unknown): FirstNeed | null {
  const vars = variablesOf(variables);
  const argument = (node: { arguments?: FieldNode['arguments'] }, name: string): unknown => {
    const found = node.arguments?.find((a) => a.name.value === name);
    return found ? valueFromASTUntyped(found.value, vars) : undefined;
  };
  const id = argument({ arguments: shape.organizationId }, 'id');
  if (typeof id !== 'string' || !isUuid(id)) return null;
  const args = Object.fromEntries(
    ['first', 'after', 'role', 'customRoleId', 'query', 'orderBy'].map((name) => [name, argument(shape.members, name)]),
  ) as MemberListArgs;
  try {
    const memberPage: MemberPageKey = memberPageKey(id, args, shape.withCount);
    // A search's page has statements of its own (src/db/member-page/search.ts): not read ahead.
    return memberPage.query === null ? { memberPage } : null;
  } catch {
    return null; // arguments the field itself will refuse, with its own error
  }
}
