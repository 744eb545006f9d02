import type { GraphQLError } from 'graphql';
import { SignJWT, UnsecuredJWT } from 'jose';
import { User } from '../../entities/user.entity';
import { signDevelopmentToken } from '../../src/auth/jwt';
import { MeDocument, OrganizationDocument } from '../generated/graphql';
import { createOrganization } from '../support/factories';
import { createHarness, errorCodes, TEST_JWT_SECRET, type Harness, type Person } from '../support/harness';
import { describeOnEachDatabase } from '../support/each-database';

const key = new TextEncoder().encode(TEST_JWT_SECRET);
const asToken = (token: string): Person => ({ sub: 'x', email: 'x@example.test', name: 'X', token });

describeOnEachDatabase('identity and errors', (kind) => {
  let h: Harness;
  let admin: Person;
  let organizationId: string;
  beforeAll(async () => {
    h = await createHarness(kind, { AUTH_ISSUER: 'https://issuer.test/', AUTH_AUDIENCE: 'membership' });
    admin = await h.person('admin');
    // The harness signs without issuer/audience: re-sign with them for this suite.
    admin.token = await signDevelopmentToken(TEST_JWT_SECRET, {
      sub: admin.sub,
      email: admin.email,
      name: admin.name,
      issuer: 'https://issuer.test/',
      audience: 'membership',
    });
    organizationId = (await createOrganization(h, admin, 'Guarded')).id;
  });
  afterAll(() => h.close());

  const claims = { email: 'mallory@example.test', email_verified: true };

  const rejected: Record<string, () => Promise<string>> = {
    'alg none': async () =>
      new UnsecuredJWT(claims)
        .setSubject(admin.sub)
        .setIssuer('https://issuer.test/')
        .setAudience('membership')
        .setExpirationTime('1h')
        .encode(),
    'a wrong signature': async () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(admin.sub)
        .setIssuer('https://issuer.test/')
        .setAudience('membership')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-secret-another-secret-another-secret')),
    'an expired token': async () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(admin.sub)
        .setIssuer('https://issuer.test/')
        .setAudience('membership')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
        .sign(key),
    'a token not yet valid': async () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(admin.sub)
        .setIssuer('https://issuer.test/')
        .setAudience('membership')
        .setNotBefore(Math.floor(Date.now() / 1000) + 3600)
        .setExpirationTime('2h')
        .sign(key),
    'the wrong issuer': async () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(admin.sub)
        .setIssuer('https://evil.test/')
        .setAudience('membership')
        .setExpirationTime('1h')
        .sign(key),
    'the wrong audience': async () =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(admin.sub)
        .setIssuer('https://issuer.test/')
        .setAudience('other')
        .setExpirationTime('1h')
        .sign(key),
    garbage: async () => 'not.a.token',
  };

  it.each(Object.keys(rejected))(
    '%s is refused as a whole: UNAUTHENTICATED with a reason, even for me',
    async (name) => {
      const who = asToken(await rejected[name]());
      const expected = name === 'an expired token' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID';
      // The context is built before any field runs: the refusal covers `me` as much as the rest.
      const refusal = await h.app.contextFor(`Bearer ${who.token}`).then(
        () => null,
        (error: GraphQLError) => error,
      );
      expect(refusal?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: expected });
      expect(refusal?.message).not.toMatch(/signature|issuer|audience|nbf|alg/i);
    },
  );

  it('no Authorization header at all is an anonymous caller: me is null, the rest UNAUTHENTICATED', async () => {
    const me = await h.run(MeDocument, {}, null);
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toBeNull();
    const org = await h.run(OrganizationDocument, { id: organizationId }, null);
    expect(errorCodes(org)).toEqual(['UNAUTHENTICATED']);
    expect(org.data?.organization).toBeNull();
  });

  it('a valid token works, and the user record follows the claims', async () => {
    const org = await h.run(OrganizationDocument, { id: organizationId }, admin);
    expect(org.data?.organization?.name).toBe('Guarded');
    const renamed = await signDevelopmentToken(TEST_JWT_SECRET, {
      sub: admin.sub,
      email: admin.email.toUpperCase(),
      name: 'Renamed Person',
      issuer: 'https://issuer.test/',
      audience: 'membership',
    });
    const me = await h.run(MeDocument, {}, asToken(renamed));
    expect(me.data?.me).toMatchObject({ id: admin.sub, email: admin.email, displayName: 'Renamed Person' });
    const stored = await h.database.db.getRepository(User).findOneByOrFail({ id: admin.sub });
    expect(stored.displayName).toBe('Renamed Person');
    expect(stored.emailVerified).toBe(true);
  });
});

describe('unexpected errors', () => {
  it('are masked as INTERNAL_SERVER_ERROR with no SQL or stack', async () => {
    const h = await createHarness('sqlite');
    const admin = await h.person('admin');
    const organizationId = (await createOrganization(h, admin, 'Doomed')).id;
    await h.database.db.query('DROP TABLE memberships');
    const result = await h.run(OrganizationDocument, { id: organizationId }, admin);
    expect(errorCodes(result)).toEqual(['INTERNAL_SERVER_ERROR']);
    const text = JSON.stringify(result.errors);
    expect(text).not.toMatch(/SELECT|memberships|SQLITE|stack/i);
    expect(result.errors?.[0].message).toBe('Internal server error');
    await h.close();
  });
});
