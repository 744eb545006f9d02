import { type App, createApp } from '../../src/http/app';
import { loadConfig } from '../../src/config/config';
import { createMailTransport } from '../../src/outbound/mail-transport';
import { createWorld, invite, type World } from '../support/factories';
import { createHarness, type Harness } from '../support/harness';
import { listen, type Post } from '../support/http';
import { memoryLogger } from '../support/log';

/**
 * The log as an operator reads it (pino): one line per request with its id, that id on every
 * line written while the request is handled, and no credential anywhere — neither the bearer
 * token of an `Authorization` header nor an invitation token, whatever carries it.
 */
describe('logs', () => {
  let h: Harness;
  let app: App;
  let post: Post;
  let url: string;
  let world: World;
  const { logger, lines } = memoryLogger();

  beforeAll(async () => {
    h = await createHarness('sqlite');
    world = await createWorld(h);
    app = await createApp(h.config, h.database.db, logger, { nudgeOutbox: false });
    ({ post, url } = await listen(app));
  });
  afterAll(async () => {
    await app.apollo.stop();
    await h.close();
  });

  const written = () => JSON.stringify(lines);

  it('one line per request with method, path, status and the request id it answered with', async () => {
    lines.length = 0;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'router-abc-123' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('router-abc-123');
    const line = lines.find((l) => l.msg === 'request completed');
    expect(line).toMatchObject({
      level: 'info',
      requestId: 'router-abc-123',
      req: { method: 'POST', url: '/graphql' },
      res: { statusCode: 200 },
    });
    expect(typeof line!.responseTime).toBe('number');
    expect(typeof line!.time).toBe('string');
    // Probes are polled every few seconds: they are not worth a line.
    lines.length = 0;
    await fetch(url.replace('/graphql', '/health'));
    await fetch(url.replace('/graphql', '/ready'));
    expect(lines).toEqual([]);
  });

  it('a request id that is not a plain short token is replaced by a new one', async () => {
    lines.length = 0;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'evil "quoted" / much-too-long-' + 'x'.repeat(80),
      },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.find((l) => l.msg === 'request completed')?.requestId).toBe(id);
  });

  it('redacts the Authorization header, and keeps the query string (GET variables) out', async () => {
    lines.length = 0;
    const token = world.people.orgAdmin.token;
    await post({ query: '{ me { id } }' }, token);
    const variables = encodeURIComponent(JSON.stringify({ token: 'secret-invitation-token' }));
    await fetch(
      `${url}?query=${encodeURIComponent('query($token: String!) { invitationByToken(token: $token) { email } }')}&variables=${variables}`,
      { headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${token}` } },
    );
    const completed = lines.filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(2);
    for (const line of completed) expect(line.req.headers.authorization).toBe('[Redacted]');
    expect(written()).not.toContain(token);
    expect(written()).not.toContain('secret-invitation-token');
  });

  it('redacts token fields wherever a line carries them', () => {
    lines.length = 0;
    logger.warn({ token: 't1', input: { token: 't2' }, variables: { input: { token: 't3' } } }, 'careless');
    expect(lines[0]).toMatchObject({
      token: '[Redacted]',
      input: { token: '[Redacted]' },
      variables: { input: { token: '[Redacted]' } },
    });
    expect(written()).not.toMatch(/t[123]"/);
  });

  it('an invitation email without SMTP_URL: its link in the development log, never in production', async () => {
    const { token } = await invite(
      h,
      world.people.orgAdmin,
      { organizationId: world.organization.id },
      'x@example.test',
    );
    const email = { from: 'a@example.test', to: 'x@example.test', subject: 'Join', text: `link?token=${token}` };
    for (const production of [false, true]) {
      const { logger: own, lines: out } = memoryLogger();
      const config = loadConfig(production ? { NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) } : {});
      await createMailTransport(config, own).send({ ...email, html: '', messageId: '<1@x>' });
      expect(out).toHaveLength(1);
      expect([production, JSON.stringify(out).includes(token)]).toEqual([production, !production]);
    }
  });
});
