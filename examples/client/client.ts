import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  ClientAcceptDocument,
  ClientOrganizationMembersDocument,
  type ClientOrganizationMembersQuery,
} from './generated';

/**
 * A sample of what a frontend gets from codegen: typed documents, so that variables and results
 * are checked by the compiler. `request` is a minimal fetch-based client (use your own: Apollo
 * Client, urql and graphql-request all accept these documents).
 */
export async function request<TData, TVariables>(
  endpoint: string,
  token: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TData; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
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
