import { parseArgs } from 'node:util';
import { amrList, signDevelopmentToken } from '../auth/jwt';
import { loadConfig } from '../config/config';
import { demoPersonByEmail, developmentSubject } from '../dev/demo-people';

const USAGE = `usage: npm run token -- --email someone@example.com [options]

Prints a bearer token signed with AUTH_JWT_SECRET (the development secret when none is set),
and nothing else on stdout: TOKEN=$(npm run -s token -- --email ada@demo.example)

  --email E       the token's email claim (required)
  --name N        display name (default: the seeded person's name for a demo address)
  --sub S         the token's subject, which is the User.id (default: dev_ + a digest of the email)
  --hours H       lifetime in hours (default 12, at most AUTH_MAX_TOKEN_HOURS, 24)
  --unverified    email_verified: false (such a caller cannot answer invitations)
  --amr A,B       the amr claim (RFC 8176 methods), e.g. --amr pwd,otp: a second factor for
                  organizations that require MFA (docs/sign-in-policy.md)
  --sso C         the single sign-on connection, in the AUTH_SSO_CLAIM claim (default sso_connection)
  --help          this text
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** `npm run token`: a development token for Apollo Sandbox, the sample client or curl. */
async function main(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        sub: { type: 'string' },
        hours: { type: 'string' },
        unverified: { type: 'boolean' },
        amr: { type: 'string' },
        sso: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const email = values.email?.trim().toLowerCase();
  if (!email) fail('--email is required');
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) fail(`--email must be an email address, got "${email}"`);
  const hours = Number(values.hours ?? 12);
  if (!Number.isFinite(hours) || hours <= 0) fail(`--hours must be a positive number, got "${values.hours}"`);
  const amr = amrList(values.amr);
  if (amr === null) fail(`--amr must be comma-separated method names such as pwd,otp, got "${values.amr}"`);
  const sso = values.sso?.trim();
  if (values.sso !== undefined && (!sso || sso.length > 255))
    fail('--sso must name a connection (at most 255 characters)');
  const config = loadConfig();
  const longest = config.auth.maxTokenHours ?? 24;
  if (hours > longest)
    fail(`--hours may be at most ${longest} (AUTH_MAX_TOKEN_HOURS): the server refuses longer tokens`);
  if (!config.auth.jwtSecret) {
    fail('signing needs AUTH_JWT_SECRET (with AUTH_JWKS_URL, tokens come from that issuer)');
  }
  const seeded = demoPersonByEmail(email);
  const sub = values.sub ?? developmentSubject(email);
  if (seeded) {
    const same = sub === developmentSubject(email);
    process.stderr.write(
      same
        ? `${email} is the seeded ${seeded.name} (${seeded.role}).\n`
        : `note: ${email} is the seeded ${seeded.name}, whose sub is ${developmentSubject(email)}; --sub ${sub} signs in as another person.\n`,
    );
  }
  const token = await signDevelopmentToken(config.auth.jwtSecret, {
    sub,
    email,
    name: values.name ?? seeded?.name,
    emailVerified: !values.unverified,
    ttlSeconds: Math.round(hours * 3600),
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    amr,
    ssoConnection: sso,
    ssoClaim: config.auth.ssoClaim,
  });
  process.stdout.write(`${token}\n`);
}

void main(process.argv.slice(2));
