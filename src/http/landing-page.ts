import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { signDevelopmentToken } from '../auth/jwt';
import type { Config } from '../config/config';
import { DEMO_PEOPLE, demoEmail, developmentSubject } from '../dev/demo-people';
import { escapeHtml } from '../domain/text';

/** The operation Sandbox opens with in development. */
export const EXAMPLE_OPERATION = `# The membership subgraph. The Authorization header (Headers tab) signs you in as
# ada@demo.example (a token signed when this page loaded, valid 12 hours: reload for a new one);
# \`npm run seed\` gives her a demo organization, \`npm run token -- --email you@example.com\`
# prints a token for anyone else.
query MyOrganizations {
  me {
    email
    displayName
    organizations {
      nodes {
        id
        name
        viewerRole
        viewerPermissions
        workspaces {
          name
          domains {
            hostname
          }
        }
        members(first: 5) {
          totalCount
          nodes {
            role
            user {
              email
              displayName
            }
          }
        }
      }
    }
  }
}
`;

/** How long the token prefilled in Sandbox lasts; a new one is signed each time the page loads. */
export const SANDBOX_TOKEN_HOURS = 12;

/**
 * What Apollo Sandbox is opened with outside production: the example operation and an
 * Authorization header. With the built-in development secret (which anyone can read here, so it
 * protects nothing) the header holds a token for the seeded demo admin; with a real secret it
 * holds a placeholder.
 */
export async function sandboxDefaults(config: Config): Promise<{ document: string; headers: Record<string, string> }> {
  const email = demoEmail('ada');
  const authorization = config.auth.usingDevelopmentSecret
    ? `Bearer ${await signDevelopmentToken(config.auth.jwtSecret as string, {
        sub: developmentSubject(email),
        email,
        name: DEMO_PEOPLE.ada.name,
        ttlSeconds: SANDBOX_TOKEN_HOURS * 3600,
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        issuedAt: config.clock.now(),
      })}`
    : 'Bearer <a token: npm run token -- --email you@example.com>';
  return { document: EXAMPLE_OPERATION, headers: { Authorization: authorization } };
}

/**
 * Apollo's local landing page (Sandbox), rendered anew on every page load so that its
 * prefilled token is always fresh: a server that has run for days still opens Sandbox signed in.
 */
export function sandboxLandingPage(config: Config): ApolloServerPlugin {
  return {
    async serverWillStart(service) {
      return {
        async renderLandingPage() {
          return {
            html: async () => {
              const page = ApolloServerPluginLandingPageLocalDefault({
                footer: false,
                includeCookies: false,
                ...(await sandboxDefaults(config)),
              });
              const listener = await page.serverWillStart?.(service);
              const rendered = await listener?.renderLandingPage?.();
              if (!rendered) throw new Error('the landing page plugin rendered nothing');
              const html = typeof rendered.html === 'string' ? rendered.html : await rendered.html();
              return withOfflinePointer(html, config);
            },
          };
        },
      };
    },
  };
}

/**
 * Offline, Apollo's page says only that Sandbox "cannot be loaded": under that, the way to ask the
 * API without it (docs/development.md, "Trying the API in Sandbox"). Online, Sandbox covers it.
 */
export function withOfflinePointer(html: string, config: Config): string {
  const host = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}/graphql`;
  const commands = [
    'TOKEN=$(npm run -s token -- --email ada@demo.example)',
    `curl -s ${url} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\`,
    `  -d '{"query":"{ me { email organizations { nodes { name viewerRole } } } }"}'`,
  ].join('\n');
  const pointer =
    '<p>The API needs no connection: ask it with curl, or run <code>npm run client</code> (docs/development.md).</p>' +
    `<pre>${escapeHtml(commands)}</pre>`;
  const fallback = html.indexOf('class="fallback"');
  const end = fallback < 0 ? -1 : html.indexOf('</div>', fallback);
  return end < 0 ? html : `${html.slice(0, end)}${pointer}\n${html.slice(end)}`;
}
