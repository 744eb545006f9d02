import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import {
  ClientAcceptDocument,
  ClientMembersScreenDocument,
  type ClientMembersScreenQuery,
  ClientOrganizationMembersDocument,
  type ClientOrganizationMembersQuery,
} from './generated';

type Screen = NonNullable<ClientMembersScreenQuery['organization']>;
export type ScreenMember = NonNullable<Screen['members']>['nodes'][number];
export type ScreenInvitation = NonNullable<Screen['allInvitations']>['nodes'][number];

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

/** A whole members page (every row, page by page) and the pending-invitations tab, as the server decides them. */
export async function membersScreen(
  endpoint: string,
  token: string,
  organizationId: string,
): Promise<{ members: ScreenMember[]; invitations: ScreenInvitation[] }> {
  const members: ScreenMember[] = [];
  let invitations: ScreenInvitation[];
  let after: string | null | undefined = null;
  do {
    const data: ClientMembersScreenQuery = await request(endpoint, token, ClientMembersScreenDocument, {
      id: organizationId,
      first: 100,
      after,
      orderBy: { field: 'NAME', direction: 'ASC' },
    });
    const page = data.organization?.members;
    members.push(...(page?.nodes ?? []));
    invitations = data.organization?.allInvitations?.nodes ?? [];
    after = page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return { members, invitations };
}

/** One row as a members page would draw it: who, role, why, and the buttons it would show. */
export function describeMember(member: ScreenMember): string {
  const why = member.accessSources
    .filter((source) => !source.direct)
    .map((source) => `${source.role} of the ${source.scope.toLowerCase()}`);
  const actions = [
    member.viewerCan.changeRole ? `change role (${member.viewerCan.assignableRoles.join('/')})` : null,
    member.viewerCan.remove ? 'remove' : null,
  ].filter((action) => action !== null);
  return (
    `member ${member.user.email} ${member.role}` +
    (member.effectiveRole && member.effectiveRole !== member.role
      ? ` (effectively ${member.effectiveRole}, through ${why.join(', ')})`
      : '') +
    (actions.length > 0 ? ` [${actions.join(', ')}]` : '')
  );
}

/**
 * What became of the invitation email, in the web app's words: DELIVERED means handed over —
 * to the SMTP server, or, without SMTP_URL, to the server's log — not that it reached an inbox.
 */
const EMAIL: Record<NonNullable<ScreenInvitation['delivery']>['status'], string> = {
  PENDING: 'email queued',
  DELIVERED: 'email sent (to SMTP, or to the server log without SMTP_URL)',
  FAILED: 'email not sent',
};

/** One row of the pending-invitations tab. */
export function describeInvitation(invitation: ScreenInvitation): string {
  const delivery = invitation.delivery ? EMAIL[invitation.delivery.status] : 'no email';
  const actions = [invitation.viewerCan.resend ? 'resend' : null, invitation.viewerCan.revoke ? 'revoke' : null]
    .filter((action) => action !== null)
    .join(', ');
  return `invited ${invitation.email} as ${invitation.role} (${invitation.status.toLowerCase()}, ${delivery})${actions ? ` [${actions}]` : ''}`;
}
