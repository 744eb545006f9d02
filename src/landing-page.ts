import { signDevelopmentToken } from './auth/jwt';
import type { Config } from './config';

/** The operation Sandbox opens with in development. */
export const EXAMPLE_OPERATION = `# The membership subgraph. The Authorization header (Headers tab) signs you in;
# \`npm run seed\` gives ada@demo.example a demo organization, \`npm run token -- --email you@example.com\`
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

/**
 * What Apollo Sandbox is opened with outside production: the example operation and an
 * Authorization header. With the built-in development secret (which anyone can read here, so it
 * protects nothing) the header holds a token for the seeded demo admin; with a real secret it
 * holds a placeholder.
 */
export async function sandboxDefaults(config: Config): Promise<{ document: string; headers: Record<string, string> }> {
  const authorization = config.auth.usingDevelopmentSecret
    ? `Bearer ${await signDevelopmentToken(config.auth.jwtSecret as string, {
        sub: 'demo|ada@demo.example',
        email: 'ada@demo.example',
        name: 'Ada Lovelace',
        ttlSeconds: 24 * 3600,
      })}`
    : 'Bearer <a token: npm run token -- --email you@example.com>';
  return { document: EXAMPLE_OPERATION, headers: { Authorization: authorization } };
}
