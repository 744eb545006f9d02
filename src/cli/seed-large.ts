import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { signDevelopmentToken } from '../auth/jwt';
import { loadConfig } from '../config/config';
import { openDatabase } from '../db/data-source';
import { addLargeMembership, largeMember } from '../dev/large-organization';
import { createApp } from '../http/app';
import { createLogger } from '../observability/logger';

/**
 * `npm run -s seed:large -- --members N [--label NAME]`: one organization of N members (with three
 * workspaces of two domains, a few members in each) on DATABASE_URL, for trying and measuring a
 * large organization. The organization, its workspaces and domains are made through the API as
 * its ADMIN; the members through the one writer of memberships, in batches (see
 * `src/dev/large-organization.ts`), so that member counts and the search index are exactly what
 * the service would have written. Progress goes to stderr; stdout gets one JSON line:
 * `{"organizationId": …, "adminSub": …, "adminEmail": …}`. A million members take a few minutes.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { members: { type: 'string' }, label: { type: 'string' } },
  });
  const members = Number(values.members);
  if (!Number.isInteger(members) || members < 1 || members > 10_000_000) {
    throw new Error('usage: npm run -s seed:large -- --members N (1 to 10 000 000) [--label NAME]');
  }
  const label = (values.label ?? `large${Date.now().toString(36)}`).toLowerCase();
  if (!/^[a-z0-9-]{1,40}$/.test(label)) throw new Error('--label takes letters, digits and hyphens (at most 40)');
  const config = loadConfig();
  if (!config.auth.jwtSecret)
    throw new Error('seed:large signs its ADMIN a token: it needs AUTH_JWT_SECRET (or none, in development)');
  const logger = createLogger({ silent: true });
  const db = await openDatabase(config.databaseUrl);
  const app = await createApp(config, db, logger, { nudgeOutbox: false });
  try {
    const admin = largeMember(label, 0);
    const token = await signDevelopmentToken(config.auth.jwtSecret, {
      sub: admin.sub,
      email: admin.email,
      name: admin.name,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
    });
    const contextValue = await app.contextFor(`Bearer ${token}`);
    const run = async (query: string, variables: Record<string, unknown>) => {
      const response = await app.apollo.executeOperation({ query, variables }, { contextValue });
      if (response.body.kind !== 'single' || response.body.singleResult.errors) {
        throw new Error(JSON.stringify(response.body.kind === 'single' ? response.body.singleResult.errors : 'stream'));
      }
      return response.body.singleResult.data as Record<string, { id: string }>;
    };
    const started = Date.now();
    const organizationId = (
      await run('mutation($n: String!) { createOrganization(input: { name: $n }) { id } }', {
        n: `Large ${label}`,
      })
    ).createOrganization.id;
    const workspaces: { id: string; domainIds: string[] }[] = [];
    for (const name of ['Engineering', 'Sales', 'Support']) {
      const id = (
        await run(
          'mutation($o: ID!, $n: String!) { createWorkspace(input: { organizationId: $o, name: $n }) { id } }',
          {
            o: organizationId,
            n: name,
          },
        )
      ).createWorkspace.id;
      const domainIds: string[] = [];
      for (const sub of ['www', 'app']) {
        domainIds.push(
          (
            await run(
              'mutation($w: ID!, $h: String!) { createDomain(input: { workspaceId: $w, hostname: $h }) { id } }',
              {
                w: id,
                h: `${sub}.${name.toLowerCase()}.${label}.example`,
              },
            )
          ).createDomain.id,
        );
      }
      workspaces.push({ id, domainIds });
    }
    await addLargeMembership(db, {
      label,
      organizationId,
      members,
      workspaces,
      start: new Date(config.clock.now().getTime() - members * 1000),
      onProgress: (done) => {
        if (done % 100_000 < 5000 || done === members) {
          process.stderr.write(`${done} members (${Math.round((Date.now() - started) / 1000)} s)\n`);
        }
      },
    });
    process.stdout.write(`${JSON.stringify({ organizationId, adminSub: admin.sub, adminEmail: admin.email })}\n`);
  } finally {
    await app.apollo.stop();
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed:large failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
