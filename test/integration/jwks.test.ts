import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createTokenVerifier } from '../../src/auth/jwt';

/** RS256 and ES256 tokens checked against a JWKS endpoint (docs/domain-rules.md §6), served here on loopback. */
describe('tokens from a JWKS endpoint', () => {
  let server: http.Server;
  let jwksUrl: string;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let ec: Awaited<ReturnType<typeof generateKeyPair>>;
  let stranger: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    stranger = await generateKeyPair('RS256');
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    server = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const verifier = () =>
    createTokenVerifier({
      jwksUrl,
      issuer: 'https://idp.test/',
      audience: 'membership',
      usingDevelopmentSecret: false,
    });
  const sign = (alg: string, kid: string, key: Parameters<SignJWT['sign']>[0], claims: Record<string, unknown> = {}) =>
    new SignJWT({ email: 'Ada@Example.test', email_verified: true, name: 'Ada', ...claims })
      .setProtectedHeader({ alg, kid })
      .setSubject('idp|ada')
      .setIssuer('https://idp.test/')
      .setAudience('membership')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);

  it('accepts RS256 and ES256 tokens signed with the published keys', async () => {
    const verify = verifier();
    expect(await verify(await sign('RS256', 'rsa-1', rsa.privateKey))).toEqual({
      identity: {
        sub: 'idp|ada',
        email: 'ada@example.test',
        emailVerified: true,
        name: 'Ada',
        amr: [],
        ssoConnection: null,
        // When it was issued: a later identity event's name and address win over its claims.
        issuedAt: expect.any(Date),
      },
    });
    expect(await verify(await sign('ES256', 'ec-1', ec.privateKey))).toMatchObject({ identity: { sub: 'idp|ada' } });
  });

  it('rejects a key that is not published, an HS256 token, alg none, a wrong issuer, and an expired token', async () => {
    const verify = verifier();
    const rejected = [
      await sign('RS256', 'rsa-1', stranger.privateKey),
      await sign('HS256', 'rsa-1', new TextEncoder().encode('a-shared-secret-a-shared-secret-a-shared-secret')),
      `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'idp|ada', iss: 'https://idp.test/', aud: 'membership', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url')}.`,
      await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .setSubject('idp|ada')
        .setIssuer('https://evil.test/')
        .setAudience('membership')
        .setExpirationTime('10m')
        .sign(rsa.privateKey),
      await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .setSubject('idp|ada')
        .setIssuer('https://idp.test/')
        .setAudience('membership')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(rsa.privateKey),
    ];
    const reasons = await Promise.all(rejected.map((token) => verify(token)));
    // Only a genuine token past its `exp` is "expired"; every other refusal says nothing more.
    expect(reasons).toEqual([
      { rejected: 'TOKEN_INVALID' },
      { rejected: 'TOKEN_INVALID' },
      { rejected: 'TOKEN_INVALID' },
      { rejected: 'TOKEN_INVALID' },
      { rejected: 'TOKEN_EXPIRED' },
    ]);
  });
});
