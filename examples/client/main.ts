import { parseArgs } from 'node:util';
import { describeInvitation, describeMember, GraphQLRequestError, membersScreen, request } from './client';
import { ClientMeDocument } from './generated';

/**
 * `npm run client -- --token T [--endpoint URL]`: the typed client sample against a running
 * server. Prints who you are and, for each of your organizations, its members page as the server
 * describes it (effective role, why, what you may do) and — where you may invite — the pending
 * invitations with their delivery. Errors print with their code.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { token: { type: 'string' }, endpoint: { type: 'string' } } });
  const endpoint = values.endpoint ?? process.env.ENDPOINT ?? 'http://127.0.0.1:4001/graphql';
  const token = values.token ?? process.env.TOKEN ?? null;
  if (!token) process.stderr.write('no --token (or TOKEN): asking as an anonymous caller\n');

  const { me } = await request(endpoint, token, ClientMeDocument, {});
  if (!me) {
    process.stdout.write('me: null (not signed in)\n');
    return;
  }
  process.stdout.write(`signed in as ${me.email} (${me.id})\n`);
  for (const invitation of me.pendingInvitations ?? []) {
    process.stdout.write(`invited: ${invitation.role} of ${invitation.organization?.name ?? '?'} (${invitation.id})\n`);
  }
  for (const organization of me.organizations?.nodes ?? []) {
    process.stdout.write(`\n${organization.name} — your role: ${organization.viewerRole ?? 'none'}\n`);
    const screen = await membersScreen(endpoint, token as string, organization.id);
    for (const member of screen.members) process.stdout.write(`  ${describeMember(member)}\n`);
    for (const invitation of screen.invitations) process.stdout.write(`  ${describeInvitation(invitation)}\n`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof GraphQLRequestError) {
    for (const e of error.errors) {
      process.stderr.write(`${e.code}${e.reason ? ` (${e.reason})` : ''}: ${e.message}\n`);
    }
  } else {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
