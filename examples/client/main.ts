import { parseArgs } from 'node:util';
import { allMemberEmails, GraphQLRequestError, request } from './client';
import { ClientMeDocument, ClientOrganizationInvitationsDocument } from './generated';

/**
 * `npm run client -- --token T [--endpoint URL]`: the typed client sample against a running
 * server. Prints who you are, your organizations with their members, and — where you may invite —
 * their pending invitations. Errors print with their code.
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
    for (const email of await allMemberEmails(endpoint, token as string, organization.id)) {
      process.stdout.write(`  member ${email}\n`);
    }
    if (organization.viewerPermissions.includes('INVITE_MEMBERS')) {
      const data = await request(endpoint, token, ClientOrganizationInvitationsDocument, { id: organization.id });
      for (const invitation of data.organization?.invitations ?? []) {
        process.stdout.write(`  pending ${invitation.email} as ${invitation.role}\n`);
      }
    }
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
