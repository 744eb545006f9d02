import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  ClientAcceptDocument,
  ClientOrganizationMembersDocument,
  type ClientOrganizationMembersQuery,
} from './generated';

/** One error of a GraphQL response, with the code a client branches on (`extensions.code`). */
export interface ResponseError {
  message: string;
  code: string;
  path?: (string | number)[];
  /** Set on UNAUTHENTICATED when a token was sent and refused: TOKEN_EXPIRED or TOKEN_INVALID. */
  reason?: string;
}

/** A response with errors: `data` keeps whatever did resolve (a partial result). */
export class GraphQLRequestError<TData = unknown> extends Error {
  constructor(
    readonly errors: ResponseError[],
    readonly data: TData | null,
    readonly status: number,
  ) {
    super(errors.map((e) => `${e.code}: ${e.message}`).join('; '));
  }
}

/**
 * A minimal fetch-based client for the typed documents codegen makes, so that variables and
 * results are checked by the compiler (Apollo Client, urql and graphql-request all accept the
 * same documents). Throws GraphQLRequestError, carrying each error's code, when the answer has
 * errors.
 */
export async function request<TData, TVariables>(
  endpoint: string,
  token: string | null,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as {
    data?: TData | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; reason?: string } }[];
  };
  if (body.errors?.length) {
    const errors = body.errors.map((e) => ({
      message: e.message,
      code: e.extensions?.code ?? 'UNKNOWN',
      ...(e.path ? { path: e.path } : {}),
      ...(e.extensions?.reason ? { reason: e.extensions.reason } : {}),
    }));
    throw new GraphQLRequestError(errors, body.data ?? null, response.status);
  }
  return body.data as TData;
}

/** Every member's email in an organization, page by page. */
export async function allMemberEmails(endpoint: string, token: string, organizationId: string): Promise<string[]> {
  const emails: string[] = [];
  let after: string | null | undefined = null;
  do {
    const data: ClientOrganizationMembersQuery = await request(endpoint, token, ClientOrganizationMembersDocument, {
      id: organizationId,
      first: 100,
      after,
    });
    const members = data.organization?.members;
    emails.push(...(members?.nodes.map((m) => m.user.email) ?? []));
    after = members?.pageInfo.hasNextPage ? members.pageInfo.endCursor : null;
  } while (after);
  return emails;
}

/** Joins with the token from an invitation link; returns the organization joined. */
export async function join(endpoint: string, token: string, invitationToken: string): Promise<string> {
  const data = await request(endpoint, token, ClientAcceptDocument, { token: invitationToken });
  return data.acceptInvitation.organization.name;
}
