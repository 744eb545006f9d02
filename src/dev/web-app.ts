import { existsSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import express from 'express';
import { amrList, signDevelopmentToken } from '../auth/jwt';
import type { Config } from '../config/config';
import type { Logger } from '../observability/logger';
import { noSniff, onlyMethods, refusalErrors, sendRefusal } from '../http/refusals';
import { DEMO_PEOPLE, type DemoName, demoEmail, demoPersonByEmail, developmentSubject } from './demo-people';

/**
 * Development only: the reference web app (examples/web, built by `npm run web:build`) served at
 * APP_URL, so that the link in an invitation email opens a page that answers it. Beside the app's
 * files: `/config.json` (where the API is, and that sign-in is the development one),
 * `POST /dev/sign-in`, which signs a token for any address with the development secret, and
 * `GET /dev/people`, the seed's demo people for one-click sign-in. None
 * exists in production or with a real AUTH_JWT_SECRET: there the host product signs people in.
 */

export interface WebAppOptions {
  /** The built app (index.html and assets). */
  dir: string;
  /** The GraphQL endpoint as the browser reaches it. */
  graphqlUrl: string;
  /** Where an unexpected error is logged. */
  logger?: Logger;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * docs/domain-rules.md §8: the app runs its own scripts only — the built index.html has no inline
 * script or style (Vite puts everything in /assets), and React sets `style` through the CSSOM,
 * which `style-src 'self'` allows — and talks to itself and the API only. It may not be framed
 * (`frame-ancestors`, and `X-Frame-Options` for browsers that predate it). A host product that
 * serves the app in production sends the same (examples/web/README.md).
 */
export function contentSecurityPolicy(graphqlUrl: string): string {
  const api = new URL(graphqlUrl).origin;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${api}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function webAppHandler(config: Config, options: WebAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const policy = contentSecurityPolicy(options.graphqlUrl);
  app.use((_req, res, next) => {
    noSniff(res);
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });
  const devSignIn = !config.production && config.auth.usingDevelopmentSecret && config.auth.jwtSecret !== undefined;
  // In development, what can be tried on this machine: webhooks to a receiver here (npm run dev
  // allows private addresses) and email domains verified against `npm run dns` (a loopback DNS).
  const tryHere = devSignIn
    ? {
        webhooks: config.webhooksAllowPrivate,
        emailDomains: config.dnsServers.length > 0 && config.dnsServers.every((s) => /^(127\.|\[?::1\]?)/.test(s)),
      }
    : null;
  app.get('/config.json', (_req, res) => {
    res.json({
      graphqlUrl: options.graphqlUrl,
      devSignIn,
      tokenUrl: null,
      ssoClaim: config.auth.ssoClaim,
      ...(tryHere ? { tryHere } : {}),
    });
  });
  app.all('/config.json', onlyMethods('GET'));
  if (devSignIn) {
    // The demo people of `npm run seed`, for the sign-in page's one-click choices.
    app.get('/dev/people', (_req, res) => {
      res.json({
        people: (Object.keys(DEMO_PEOPLE) as DemoName[]).map((key) => ({
          email: demoEmail(key),
          name: DEMO_PEOPLE[key].name,
          role: DEMO_PEOPLE[key].role,
        })),
      });
    });
    app.post('/dev/sign-in', express.json({ limit: '2kb' }), async (req, res) => {
      const body = (req.body ?? {}) as {
        email?: unknown;
        name?: unknown;
        emailVerified?: unknown;
        amr?: unknown;
        sso?: unknown;
      };
      const email = typeof body.email === 'string' ? body.email.trim() : '';
      if (!EMAIL.test(email) || email.length > 254) {
        res.status(400).json({ error: 'Give an email address such as ada@example.com.' });
        return;
      }
      // How the person "signed in", to try an organization's sign-in policy (docs/sign-in-policy.md):
      // `amr` a list of RFC 8176 method names (or one comma-separated string), `sso` the connection.
      const amr = amrList(body.amr);
      const sso = typeof body.sso === 'string' && body.sso.trim() !== '' ? body.sso.trim() : undefined;
      if (
        amr === null ||
        (body.sso !== undefined && body.sso !== null && typeof body.sso !== 'string') ||
        (sso?.length ?? 0) > 255
      ) {
        res.status(400).json({ error: 'amr is a list of method names such as ["pwd","otp"]; sso a connection name.' });
        return;
      }
      // A demo person (npm run seed) keeps their name when none is typed in.
      const name =
        typeof body.name === 'string' && body.name.trim() !== ''
          ? body.name.trim().slice(0, 100)
          : demoPersonByEmail(email)?.name;
      const token = await signDevelopmentToken(config.auth.jwtSecret as string, {
        sub: developmentSubject(email),
        email,
        name,
        emailVerified: body.emailVerified !== false,
        issuer: config.auth.issuer,
        audience: config.auth.audience,
        amr,
        ssoConnection: sso,
        ssoClaim: config.auth.ssoClaim,
      });
      res.json({ token });
    });
    app.all('/dev/people', onlyMethods('GET'));
    app.all('/dev/sign-in', onlyMethods('POST'));
  }
  app.use(express.static(options.dir, { index: 'index.html', maxAge: 0 }));
  // A file that is not there, or a development route that is off, is not a page of the app.
  app.use(['/assets', '/dev'], (_req, res) => sendRefusal(res, 404, 'NOT_FOUND', 'Nothing is served at this address.'));
  // Every other page is the app's: it reads the path itself (/, /organizations/…, /invitations/accept).
  app.get('/{*path}', (_req, res) => res.sendFile(join(options.dir, 'index.html')));
  app.all('/{*path}', onlyMethods('GET'));
  // A sign-in body that is not JSON or too large: JSON too, never Express's HTML page.
  app.use(refusalErrors(options.logger));
  return app;
}

/**
 * Starts the web app on APP_URL's port when APP_URL is a local http address and the app is
 * built; otherwise says why not and returns null. Never in production.
 */
export async function startWebApp(config: Config, logger: Logger, graphqlUrl: string): Promise<http.Server | null> {
  if (config.production) return null;
  const dir = resolve(config.webAppDir);
  const url = new URL(config.appUrl);
  const local = url.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(url.hostname);
  if (!local || url.port === '' || Number(url.port) === config.port) {
    logger.info({ appUrl: config.appUrl }, 'APP_URL is not a free local port: the web app is not served here');
    return null;
  }
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn({ dir }, 'the web app is not built (npm run web:build): invitation links will not open');
    return null;
  }
  const server = http.createServer(webAppHandler(config, { dir, graphqlUrl, logger }));
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(Number(url.port), config.host, done);
    });
  } catch (error) {
    // The API matters more than its demo screens: a taken port costs the web app only.
    logger.warn({ err: error, appUrl: config.appUrl }, 'the web app could not listen at APP_URL');
    return null;
  }
  logger.info({ dir }, `web app at ${config.appUrl}`);
  return server;
}
