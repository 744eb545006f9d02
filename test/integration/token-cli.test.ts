import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt, jwtVerify } from 'jose';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/config';
import { developmentSubject } from '../../src/dev/demo-people';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/** `npm run token`, as a developer runs it: the source through tsx, no build. */
async function token(...args: string[]) {
  return run('npx', ['tsx', 'src/cli/token.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, AUTH_JWT_SECRET: '', AUTH_JWKS_URL: '', NODE_ENV: '' },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('the token command', () => {
  it('prints only a token, signed with the development secret, for the seeded person with a hint on stderr', async () => {
    const { code, stdout, stderr } = await token('--email', 'Ada@Demo.Example');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload } = await jwtVerify(stdout.trim(), new TextEncoder().encode(DEVELOPMENT_JWT_SECRET));
    expect(payload).toMatchObject({
      sub: developmentSubject('ada@demo.example'),
      email: 'ada@demo.example',
      email_verified: true,
      name: 'Ada Lovelace',
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(12 * 3600);
    // The id is opaque: no address in it, nothing a shell would read as a pipe.
    expect(payload.sub).toMatch(/^dev_[0-9a-f]{32}$/);
    expect(stderr).toContain('ada@demo.example is the seeded Ada Lovelace');
  });

  it('takes --sub, --hours and --unverified, and warns when --sub makes a seeded address someone else', async () => {
    const { stdout, stderr } = await token(
      '--email',
      'grace@demo.example',
      '--sub',
      'idp|42',
      '--hours',
      '2',
      '--unverified',
    );
    const claims = decodeJwt(stdout.trim());
    expect(claims).toMatchObject({ sub: 'idp|42', email_verified: false });
    expect((claims.exp as number) - (claims.iat as number)).toBe(2 * 3600);
    expect(stderr).toContain('signs in as another person');
    const stranger = await token('--email', 'someone@example.com');
    expect(stranger.stderr).toBe('');
  });

  it('takes --amr and --sso, to try an organization sign-in policy (docs/sign-in-policy.md)', async () => {
    const { code, stdout } = await token('--email', 'ada@demo.example', '--amr', 'pwd, otp', '--sso', 'acme-okta');
    expect(code).toBe(0);
    expect(decodeJwt(stdout.trim())).toMatchObject({ amr: ['pwd', 'otp'], sso_connection: 'acme-okta' });
    const plain = decodeJwt((await token('--email', 'ada@demo.example')).stdout.trim());
    expect(plain.amr).toBeUndefined();
    expect(plain.sso_connection).toBeUndefined();
    const refused = await token('--email', 'ada@demo.example', '--amr', 'pwd;rm');
    expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 2, stdout: '' });
    expect(refused.stderr).toContain('--amr');
  });

  it('refuses a missing or malformed email with its usage, exit code 2 and nothing on stdout', async () => {
    for (const args of [[], ['--email', 'not-an-address'], ['--hours', 'x', '--email', 'a@b.c']]) {
      const result = await token(...args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('usage: npm run token');
    }
  });
});
