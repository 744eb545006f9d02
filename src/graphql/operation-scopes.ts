import {
  type DocumentNode,
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';
import type { OwnedTable } from '../db/organization-admission';

/**
 * docs/domain-rules.md §9: which organization a GraphQL request works on, read from what its
 * root fields name — an organization, a workspace, a domain, a membership, an invitation, … — in
 * their arguments (literals or variables), before anything runs. Only the root fields are read:
 * what they name is where the work is (`me` names none, and is admitted freely).
 */

/** A row a request names: an organization itself, or a row that belongs to one. */
export interface NamedRow {
  table: 'organizations' | OwnedTable;
  id: string;
}

/** Root fields whose `id` argument is the id of a row of this table. */
const ROOT_ID: Record<string, NamedRow['table']> = {
  organization: 'organizations',
  updateOrganization: 'organizations',
  deleteOrganization: 'organizations',
  workspace: 'workspaces',
  updateWorkspace: 'workspaces',
  deleteWorkspace: 'workspaces',
  domain: 'domains',
  updateDomain: 'domains',
  deleteDomain: 'domains',
  resendInvitation: 'invitations',
  revokeInvitation: 'invitations',
  verifyEmailDomain: 'email_domains',
  updateEmailDomain: 'email_domains',
  removeEmailDomain: 'email_domains',
  updateWebhookEndpoint: 'webhook_endpoints',
  rotateWebhookSecret: 'webhook_endpoints',
  deleteWebhookEndpoint: 'webhook_endpoints',
  revokeProvisioningToken: 'provisioning_tokens',
};

/** Arguments and input fields, wherever they are, that hold the id of a row of this table. */
const NAMED_ID: Record<string, NamedRow['table']> = {
  organizationId: 'organizations',
  workspaceId: 'workspaces',
  domainId: 'domains',
  memberId: 'memberships',
  successorMemberId: 'memberships',
  deliveryId: 'webhook_deliveries',
  endpointId: 'webhook_endpoints',
};

/** `ScopeInput { kind, id }` and `_entities` representations `{ __typename, id }`. */
const KIND_TABLE: Record<string, NamedRow['table']> = {
  ORGANIZATION: 'organizations',
  WORKSPACE: 'workspaces',
  DOMAIN: 'domains',
  Organization: 'organizations',
  Workspace: 'workspaces',
  Domain: 'domains',
};

/** Enough to attribute any real request; the rest of a long list adds nothing. */
const MOST = 16;

function collect(value: unknown, found: NamedRow[], depth: number): void {
  if (found.length >= MOST || depth > 6 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, found, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  const kind = record.kind ?? record.__typename;
  if (typeof kind === 'string' && typeof record.id === 'string' && KIND_TABLE[kind]) {
    found.push({ table: KIND_TABLE[kind], id: record.id });
  }
  for (const [key, item] of Object.entries(record)) {
    if (typeof item === 'string' && NAMED_ID[key]) found.push({ table: NAMED_ID[key], id: item });
    else collect(item, found, depth + 1);
  }
}

function rootFields(document: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fields: FieldNode[] = [];
  const visit = (set: SelectionSetNode, depth: number) => {
    if (depth > 3) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, depth + 1);
      else {
        const fragment = document.definitions.find(
          (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
        );
        if (fragment?.kind === Kind.FRAGMENT_DEFINITION) visit(fragment.selectionSet, depth + 1);
      }
    }
  };
  visit(operation.selectionSet, 0);
  return fields;
}

/** The rows the operation's root fields name (at most a few), in the order they appear. */
export function rowsNamedBy(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): NamedRow[] {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return [];
  const found: NamedRow[] = [];
  for (const field of rootFields(document, operation)) {
    for (const argument of field.arguments ?? []) {
      const value = valueFromASTUntyped(argument.value, variables ?? undefined);
      const table = argument.name.value === 'id' ? ROOT_ID[field.name.value] : NAMED_ID[argument.name.value];
      if (table && typeof value === 'string') found.push({ table, id: value });
      else collect(value, found, 0);
      if (found.length >= MOST) return found.slice(0, MOST);
    }
  }
  return found;
}

/** A request's operation as it carries it: a POST body's or a GET query string's fields. */
export interface OperationRequest {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
}

function parsedOrNull(query: string, maxTokens: number): DocumentNode | null {
  try {
    return parse(query, { maxTokens, noLocation: true });
  } catch {
    return null;
  }
}

function rowsOf(document: DocumentNode | null, request: OperationRequest): NamedRow[] {
  if (!document) return [];
  const { operationName, variables } = request;
  return rowsNamedBy(
    document,
    typeof operationName === 'string' ? operationName : null,
    variables && typeof variables === 'object' && !Array.isArray(variables)
      ? (variables as Record<string, unknown>)
      : null,
  );
}

/**
 * The rows named by an operation as a request carries it (a POST body's or a GET query string's
 * `query`, `operationName` and `variables`), parsed here within the token limit. Anything that is
 * not a well-formed operation names nothing: Apollo refuses it itself, with its own error.
 */
export function rowsNamedByRequest(request: OperationRequest, maxTokens: number): NamedRow[] {
  return typeof request.query === 'string' ? rowsOf(parsedOrNull(request.query, maxTokens), request) : [];
}

/** Query texts whose parse is remembered, and the longest remembered. */
const REMEMBERED_QUERIES = 256;
const REMEMBERED_QUERY_LENGTH = 8192;

/**
 * rowsNamedByRequest with the parse of each query text remembered (the last 256 texts of at most
 * 8 KiB): a client sends the same few operations again and again, and a burst of one
 * organization's requests should cost its admission no parse at all (the parse was a third of a
 * refused request's time). What the document names is still read from each request's variables.
 * One per token limit (an app's), since a text over the limit names nothing.
 */
export function rememberingRowsNamer(maxTokens: number): (request: OperationRequest) => NamedRow[] {
  const parsed = new Map<string, DocumentNode | null>();
  return (request) => {
    const { query } = request;
    if (typeof query !== 'string') return [];
    if (query.length > REMEMBERED_QUERY_LENGTH) return rowsOf(parsedOrNull(query, maxTokens), request);
    let document = parsed.get(query);
    if (document === undefined) {
      document = parsedOrNull(query, maxTokens);
      if (parsed.size >= REMEMBERED_QUERIES) parsed.delete(parsed.keys().next().value as string);
      parsed.set(query, document);
    }
    return rowsOf(document, request);
  };
}
