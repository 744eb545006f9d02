import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createApp } from '../http/app';
import { signDevelopmentToken } from '../auth/jwt';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { readmitErasedPeople } from '../db/people';
import { withOrganizationLock } from '../db/transaction';
import { createLogger } from '../observability/logger';
import { systemActor } from '../services/audit/audit.service';
import { grantMembership } from '../services/memberships/membership-grants';
import { Role, ScopeKind } from '../domain/enums';
import { type ScopeRef } from '../domain/scope';
import {
  DEMO_ORGANIZATION,
  DEMO_PEOPLE,
  demoSitesFile,
  type DemoName,
  demoEmail,
  developmentSubject,
} from '../dev/demo-people';

/**
 * `npm run seed`: demo data in the configured database (DATABASE_URL, the embedded SQLite by
 * default) — one organization with workspaces and domains, one person in each role at each
 * scope, pending invitations — and a ready token for each demo person. Runs through the real
 * API as the demo admin, so it creates exactly what a user could. Running it again replaces the
 * demo organization.
 */

const PEOPLE = DEMO_PEOPLE;
type Name = DemoName;
const email = demoEmail;
const sub = (name: Name) => developmentSubject(demoEmail(name));

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.auth.jwtSecret)
    throw new Error('seeding prints HS256 tokens: set AUTH_JWT_SECRET (or none, outside production)');
  const secret = config.auth.jwtSecret;
  const db = await openDatabase(config.databaseUrl);
  const app = await createApp(config, db, createLogger({ silent: true }), { nudgeOutbox: false });
  const tokens = {} as Record<Name, string>;
  for (const name of Object.keys(PEOPLE) as Name[]) {
    tokens[name] = await signDevelopmentToken(secret, {
      sub: sub(name),
      email: email(name),
      name: PEOPLE[name].name,
      ttlSeconds: (config.auth.maxTokenHours ?? 24) * 3600,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
    });
  }

  const as =
    (name: Name) =>
    async (query: string, variables: Record<string, unknown> = {}) => {
      const contextValue = await app.contextFor(`Bearer ${tokens[name]}`);
      const response = await app.apollo.executeOperation({ query, variables }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
      const { data, errors } = response.body.singleResult;
      if (errors) throw new Error(`${query.split('(')[0]}: ${errors.map((e) => e.message).join('; ')}`);
      return data as any;
    };
  const ada = as('ada');

  // A demo person erased meanwhile (npm run erase-user, or an identity event) comes back, so that
  // the seed can run again (development only, docs/personal-data.md).
  const readmitted = await readmitErasedPeople(db, (Object.keys(PEOPLE) as Name[]).map(sub));
  if (readmitted > 0) process.stderr.write(`${readmitted} erased demo people signed in again\n`);

  // Every demo person signs in once, so that their user record exists.
  for (const name of Object.keys(PEOPLE) as Name[]) await as(name)('{ me { id } }');

  const existing = await ada('{ me { organizations(first: 100) { nodes { id name viewerRole } } } }');
  for (const org of existing.me.organizations.nodes) {
    if (org.name === DEMO_ORGANIZATION && org.viewerRole === 'ADMIN') {
      await ada('mutation($id: ID!) { deleteOrganization(id: $id) }', { id: org.id });
    }
  }

  const { createOrganization: org } = await ada(
    'mutation($n: String!) { createOrganization(input: { name: $n }) { id } }',
    {
      n: DEMO_ORGANIZATION,
    },
  );
  const workspace = async (name: string) =>
    (
      await ada('mutation($o: ID!, $n: String!) { createWorkspace(input: { organizationId: $o, name: $n }) { id } }', {
        o: org.id,
        n: name,
      })
    ).createWorkspace.id as string;
  const domain = async (workspaceId: string, hostname: string) =>
    (
      await ada('mutation($w: ID!, $h: String!) { createDomain(input: { workspaceId: $w, hostname: $h }) { id } }', {
        w: workspaceId,
        h: hostname,
      })
    ).createDomain.id as string;
  const marketing = await workspace('Marketing');
  const shopWorkspace = await workspace('Shop');
  const www = await domain(marketing, 'www.demo.example');
  await domain(marketing, 'blog.demo.example');
  const shop = await domain(shopWorkspace, 'shop.demo.example');

  const orgScope: ScopeRef = { kind: ScopeKind.ORGANIZATION, organizationId: org.id };
  const marketingScope: ScopeRef = { kind: ScopeKind.WORKSPACE, organizationId: org.id, workspaceId: marketing };
  const wwwScope: ScopeRef = { kind: ScopeKind.DOMAIN, organizationId: org.id, workspaceId: marketing, domainId: www };
  const grants: [Name, ScopeRef, Role][] = [
    ['grace', orgScope, Role.ACCOUNTING],
    ['linus', orgScope, Role.MEMBER],
    ['margaret', marketingScope, Role.ADMIN],
    ['ken', marketingScope, Role.MEMBER],
    ['barbara', wwwScope, Role.ADMIN],
    ['dennis', wwwScope, Role.MEMBER],
  ];
  // Joining goes through invitations in real life; the demo grants the roles directly.
  await withOrganizationLock(
    db,
    org.id,
    async (em) => {
      for (const [name, scope, role] of grants)
        await grantMembership(em, systemActor(new Date()), sub(name), scope, role);
    },
    () => new Error('the demo organization vanished'),
  );

  const invite = 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }';
  await ada(invite, { i: { scope: { organizationId: org.id }, email: 'alan@demo.example', role: 'MEMBER' } });
  await ada(invite, { i: { scope: { workspaceId: shopWorkspace }, email: 'edsger@demo.example', role: 'ADMIN' } });
  await ada(invite, { i: { scope: { domainId: shop }, email: 'frances@demo.example', role: 'MEMBER' } });

  // The example `sites` subgraph publishes a site on two demo domains (npm run sites).
  const sitesFile = demoSitesFile(config.databaseUrl);
  mkdirSync(dirname(sitesFile), { recursive: true });
  writeFileSync(
    sitesFile,
    `${JSON.stringify(
      [
        { id: 'site-www', title: 'Demo Corp — home page', domainId: www, organizationId: org.id },
        { id: 'site-shop', title: 'Demo Corp shop', domainId: shop, organizationId: org.id },
      ],
      null,
      2,
    )}\n`,
  );

  await app.apollo.stop();
  await db.destroy();
  printSummary(
    org.id,
    sitesFile,
    tokens,
    config.auth.maxTokenHours ?? 24,
    config.auth.usingDevelopmentSecret ? config.appUrl : null,
  );
}

function printSummary(
  organizationId: string,
  sitesFile: string,
  tokens: Record<Name, string>,
  hours: number,
  webApp: string | null,
): void {
  const lines = [
    `Seeded "${DEMO_ORGANIZATION}" (${organizationId}): workspaces Marketing (www.demo.example, blog.demo.example)`,
    'and Shop (shop.demo.example); pending invitations for alan@, edsger@ and frances@demo.example.',
    '(The invitation emails go out when the server runs: without SMTP_URL their links appear in its log.)',
    `Sites of www.demo.example and shop.demo.example for the example subgraph: ${sitesFile} (npm run sites).`,
    '',
    ...(webApp
      ? [`Web app: ${webApp} (served by npm start) — sign in there with any address below, e.g. ada@demo.example.`, '']
      : []),
    `Tokens (valid ${hours} hours, the longest AUTH_MAX_TOKEN_HOURS accepts). In Apollo Sandbox, add the header  Authorization: Bearer <token>`,
    '',
  ];
  for (const name of Object.keys(PEOPLE) as Name[]) {
    lines.push(`${email(name)} — ${PEOPLE[name].role}`, `  ${tokens[name]}`, '');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
