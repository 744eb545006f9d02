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

/** The operation a request names (`operationName`), or the document's first without a name given. */
export function operationOf(
  document: DocumentNode | null,
  operationName: unknown,
): OperationDefinitionNode | undefined {
  const operations = (document?.definitions ?? []).filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return typeof operationName === 'string' && operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations[0];
}

/** A request's `variables` when they are an object of named values; undefined otherwise. */
export function variablesOf(variables: unknown): Record<string, unknown> | undefined {
  return variables && typeof variables === 'object' && !Array.isArray(variables)
    ? (variables as Record<string, unknown>)
    : undefined;
}

/** The rows the operation's root fields name (at most a few), in the order they appear. */
export function rowsNamedBy(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): NamedRow[] {
  const operation = operationOf(document, operationName);
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
  return rowsNamedBy(document, typeof operationName === 'string' ? operationName : null, variablesOf(variables));
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
export const REMEMBERED_QUERY_LENGTH = 8192;

/** The parse of a query text, within a token limit: null for what does not parse. */
export type Parser = (query: string) => DocumentNode | null;

const parsers = new Map<number, Parser>();

/**
 * Parses with the parse of each query text remembered (the last 256 texts of at most 8 KiB): a
 * client sends the same few operations again and again, and a burst of one organization's requests
 * should cost its admission no parse at all (the parse was a third of a refused request's time).
 * One per token limit, shared by whatever reads operations before Apollo does — the admission
 * (`rememberingRowsNamer`) and the first-need guess (./first-need.ts) — so that a new text is
 * parsed once, and the same text is the same document to both.
 */
export function rememberingParser(maxTokens: number): Parser {
  const known = parsers.get(maxTokens);
  if (known) return known;
  const parsed = new Map<string, DocumentNode | null>();
  const parser: Parser = (query) => {
    if (query.length > REMEMBERED_QUERY_LENGTH) return parsedOrNull(query, maxTokens);
    let document = parsed.get(query);
    if (document === undefined) {
      document = parsedOrNull(query, maxTokens);
      if (parsed.size >= REMEMBERED_QUERIES) parsed.delete(parsed.keys().next().value as string);
      parsed.set(query, document);
    }
    return document;
  };
  parsers.set(maxTokens, parser);
  return parser;
}

/**
 * rowsNamedByRequest through the remembering parser: what the document names is still read from
 * each request's variables. A text over the token limit names nothing.
 */
export function rememberingRowsNamer(maxTokens: number): (request: OperationRequest) => NamedRow[] {
  const parse = rememberingParser(maxTokens);
  return (request) => (typeof request.query === 'string' ? rowsOf(parse(request.query), request) : []);
}
