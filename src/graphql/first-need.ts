import {
  type DocumentNode,
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';
import type { MemberPageKey } from '../db/member-page';
import { isUuid } from '../domain/validation';
import type { FirstNeed } from '../request/factory';
import { type MemberListArgs, memberPageKey } from '../services/memberships/membership-queries.service';
import type { OperationRequest } from './operation-scopes';

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
  const operations = (document?.definitions ?? []).filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation =
    typeof operationName === 'string' ? operations.find((o) => o.name?.value === operationName) : operations[0];
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

const REMEMBERED = 256;
const LONGEST = 8192;

/**
 * The first need of a request's operation, with the shape of each query text remembered (the
 * last 256 of at most 8 KiB: a client sends the same few operations), read afresh from each
 * request's variables. Null for anything else, or anything malformed: Apollo answers that itself.
 */
export function firstNeedReader(maxTokens: number): (request: OperationRequest | undefined) => FirstNeed | null {
  const shapes = new Map<string, Shape | null>();
  const documents = new WeakMap<DocumentNode, Shape | null>();
  return (request) => {
    const query = request?.query;
    // A parsed document (an in-process executeOperation): its shape, remembered by the document.
    if (isDocument(query)) {
      let shape = documents.get(query);
      if (shape === undefined) documents.set(query, (shape = shapeOf(query, request?.operationName)));
      return shape && needOf(shape, request?.variables);
    }
    if (typeof query !== 'string' || query.length > LONGEST) return null;
    const cacheKey = `${String(request?.operationName ?? '')}\n${query}`;
    let shape = shapes.get(cacheKey);
    if (shape === undefined) {
      let document: DocumentNode | null;
      try {
        document = parse(query, { maxTokens, noLocation: true });
      } catch {
        document = null;
      }
      shape = shapeOf(document, request?.operationName);
      if (shapes.size >= REMEMBERED) shapes.delete(shapes.keys().next().value as string);
      shapes.set(cacheKey, shape);
    }
    return shape && needOf(shape, request?.variables);
  };
}

const isDocument = (value: unknown): value is DocumentNode =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === Kind.DOCUMENT;

function needOf(shape: Shape, variables: unknown): FirstNeed | null {
  const vars =
    variables && typeof variables === 'object' && !Array.isArray(variables)
      ? (variables as Record<string, unknown>)
      : undefined;
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
