import { signDevelopmentToken } from '../auth/jwt';
import { loadConfig } from '../config';

/**
 * `npm run token -- --email someone@example.com [--name "Ada"] [--sub id] [--hours 12] [--unverified]`
 * Prints a token signed with the configured HS256 secret (the development secret when none
 * is set), for the Authorization header in Apollo Sandbox.
 */
async function main(argv: string[]): Promise<void> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (!flag.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) args.set(flag.slice(2), 'true');
    else args.set(flag.slice(2), argv[++i]);
  }
  const email = args.get('email');
  if (!email || email === 'true') {
    process.stderr.write(
      'usage: npm run token -- --email someone@example.com [--name "Ada"] [--sub id] [--hours 12]\n',
    );
    process.exit(2);
  }
  const config = loadConfig();
  if (!config.auth.jwtSecret) {
    process.stderr.write('token signing needs AUTH_JWT_SECRET (tokens from a JWKS issuer come from that issuer)\n');
    process.exit(2);
  }
  const token = await signDevelopmentToken(config.auth.jwtSecret, {
    sub: args.get('sub') ?? `dev|${email.trim().toLowerCase()}`,
    email: email.trim().toLowerCase(),
    name: args.get('name'),
    emailVerified: !args.has('unverified'),
    ttlSeconds: Number(args.get('hours') ?? 12) * 3600,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
  });
  process.stdout.write(`${token}\n`);
}

void main(process.argv.slice(2));
