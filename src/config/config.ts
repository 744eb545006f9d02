import { readFileSync } from 'node:fs';
import { type DeclaredPermission, parsePermissionDeclarations } from '../domain/permission-keys';
import { type Clock, systemClock } from './clock';

/**
 * Configuration from the environment (docs/domain-rules.md §8). Read once at start-up; every setting has a
 * default that works on a developer's machine, and production refuses to start on the
 * development secret.
 */

export interface AuthConfig {
  /** HS256 shared secret; set when tokens are verified with a secret. */
  jwtSecret?: string;
  /** JWKS endpoint for RS256/ES256 keys. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** True when `jwtSecret` is the built-in development secret. */
  usingDevelopmentSecret: boolean;
  /** Longest lifetime (`exp` − `iat`) a token may have; one without `exp` is refused. */
  maxTokenHours?: number;
  /**
   * The claim naming the single sign-on connection a token was issued through (AUTH_SSO_CLAIM,
   * default `sso_connection`): an organization's sign-in policy compares it with its `ssoConnection`.
   */
  ssoClaim?: string;
}

export interface Config {
  production: boolean;
  /** The current time for everything that decides by it (the system's; tests move their own). */
  clock: Clock;
  /** Interface to listen on: loopback in development, every interface in production. */
  host: string;
  port: number;
  /** Browser origins allowed to call /graphql directly (CORS); empty: none. */
  corsOrigins: string[];
  databaseUrl: string;
  auth: AuthConfig;
  smtpUrl?: string;
  mailFrom: string;
  appUrl: string;
  invitationTtlHours: number;
  invitationsPerHour: number;
  routerSecret?: string;
  /** Where Prometheus scrapes `/metrics` (its own port); unset: no metrics are kept. */
  metricsPort?: number;
  /** The interface of the metrics server: loopback unless said otherwise, whatever `host` is (it has no authentication). */
  metricsHost: string;
  /** Outbox: first retry delay (doubles each attempt, up to `mailRetryMaxMs`). */
  mailRetryBaseMs: number;
  /** Outbox: the longest delay between two attempts. */
  mailRetryMaxMs: number;
  /** Outbox: how often the dispatcher looks for due emails. */
  outboxPollMs: number;
  /** Webhooks: `http:` and private, loopback or link-local addresses allowed (tests, local work only). */
  webhooksAllowPrivate: boolean;
  /** Webhooks: attempts before a delivery is FAILED. */
  webhookMaxAttempts: number;
  /** Webhooks: first retry delay, doubling after. */
  webhookRetryBaseMs: number;
  /** Webhooks: how long a receiver has to answer. */
  webhookTimeoutMs: number;
  /** Webhooks: most endpoints one organization may register. */
  webhookMaxEndpoints: number;
  /** Webhooks: most deliveries one instance has in flight at once (at most 2 of them to one organization). */
  webhookConcurrency: number;
  /** Webhooks: an endpoint whose deliveries have all failed for this long is disabled. */
  webhookDisableAfterHours: number;
  /** Emails: most emails one instance sends at once (at most 2 of them for one organization). */
  mailConcurrency: number;
  /** How often expired memberships are removed (they grant nothing from their expiry on anyway). */
  membershipSweepMs: number;
  /** Audit events older than this many days are deleted (docs/domain-rules.md §16); unset: kept for ever. */
  auditRetentionDays: number | null;
  /** How often the retention sweep runs (one instance at a time). */
  auditRetentionSweepMs: number;
  /**
   * The Standard Webhooks secret (`whsec_…`) the identity provider signs its user events with
   * (POST /identity/events); unset: the endpoint answers 404.
   */
  identityWebhookSecret?: string;
  /** DNS servers for email-domain verification (`host` or `host:port`); the system's when empty. */
  dnsServers: string[];
  /** How long one DNS lookup of a verification may take. */
  dnsTimeoutMs: number;
  /**
   * On SIGTERM or SIGINT, the longest the process takes to end (docs/domain-rules.md §8): what is
   * still hanging then (a log write, an SMTP send, a webhook call, the pool's close) is abandoned.
   */
  shutdownTimeoutMs: number;
  /** docs/domain-rules.md §9. */
  limits: QueryLimits;
  /** The supergraph's declared permissions (PERMISSIONS_FILE, docs/domain-rules.md §18); empty: built-in only. */
  declaredPermissions: DeclaredPermission[];
  /** Bearer tokens of the services allowed to call POST /authorization/check (§19); empty: the endpoint is off. */
  authzServiceTokens: string[];
  /** docs/domain-rules.md §9: one organization's share of the instance's database connections. */
  organizations: OrganizationShare;
  /** Development: the built web app served at `appUrl` (WEB_APP_DIR). */
  webAppDir: string;
}

/**
 * docs/domain-rules.md §9: how many requests of one organization may use database connections at
 * once on this instance, and how many more wait, for how long, before they are refused (429).
 */
export interface OrganizationShare {
  /** ORGANIZATION_CONCURRENCY; null: a quarter of the pool (at least one). */
  concurrency: number | null;
  /** ORGANIZATION_QUEUE: requests of one organization waiting at once; null: 8 × the concurrency. */
  queue: number | null;
  /** ORGANIZATION_QUEUE_MS: the longest a request waits in its organization's queue. */
  queueMs: number;
}

/** docs/domain-rules.md §9: every request is checked against these before anything runs. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  maxBodyBytes: number;
  /** `_entities` representations in one request. */
  maxRepresentations: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 50,
  maxTokens: 1000,
  maxCost: 5000,
  maxBodyBytes: 100_000,
  maxRepresentations: 100,
};

/** Used outside production when neither AUTH_JWT_SECRET nor AUTH_JWKS_URL is set. */
export const DEVELOPMENT_JWT_SECRET = 'membership-subgraph-development-secret-do-not-use-in-production';

export const DEFAULT_DATABASE_URL = 'sqlite:data/dev.sqlite';

export const DEFAULT_MAX_TOKEN_HOURS = 24;

/** IDENTITY_WEBHOOK_SECRET: a Standard Webhooks secret, `whsec_` and base64 of at least 24 bytes. */
function identitySecret(env: NodeJS.ProcessEnv): string | undefined {
  const raw = optional(env, 'IDENTITY_WEBHOOK_SECRET');
  if (raw === undefined) return undefined;
  const key = raw.replace(/^whsec_/, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, 'base64').length < 24) {
    throw new Error(
      'IDENTITY_WEBHOOK_SECRET must be a Standard Webhooks secret: whsec_ and base64 of 24 bytes or more',
    );
  }
  return raw;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * CORS_ORIGINS: a comma-separated list of origins (`*` for any). Unset: none in production;
 * in development the origin of APP_URL (where the web app that follows invitation links runs).
 */
function corsOrigins(env: NodeJS.ProcessEnv, production: boolean, appUrl: string): string[] {
  const raw = env.CORS_ORIGINS;
  if (raw === undefined) return production ? [] : [originOf(appUrl) ?? 'http://localhost:3000'];
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && originOf(origin) !== origin) {
      throw new Error(`CORS_ORIGINS entries are origins such as https://app.example.com, got "${origin}"`);
    }
  }
  return origins;
}

/**
 * PERMISSIONS_FILE: read and checked at start-up. A file that cannot be read or used stops the
 * server with a message naming the entry (docs/domain-rules.md §18), never a half-configured service.
 */
function declaredPermissions(env: NodeJS.ProcessEnv): DeclaredPermission[] {
  const path = optional(env, 'PERMISSIONS_FILE');
  if (path === undefined) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`PERMISSIONS_FILE ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`, {
      cause: error,
    });
  }
  return parsePermissionDeclarations(text, path);
}

/** Comma-separated tokens; each at least 16 characters, so that a guessable one is not accepted. */
function serviceTokens(env: NodeJS.ProcessEnv): string[] {
  const tokens = (optional(env, 'AUTHZ_SERVICE_TOKENS') ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter(Boolean);
  for (const [index, token] of tokens.entries()) {
    if (token.length < 16) throw new Error(`AUTHZ_SERVICE_TOKENS: token ${index + 1} is shorter than 16 characters`);
  }
  return tokens;
}

/** AUTH_SSO_CLAIM: a claim name (a JSON key, or a namespaced URL as Auth0 wants), `sso_connection` by default. */
function ssoClaim(env: NodeJS.ProcessEnv): string {
  const name = optional(env, 'AUTH_SSO_CLAIM') ?? 'sso_connection';
  if (name.length > 200 || /\s/.test(name)) throw new Error('AUTH_SSO_CLAIM must be a claim name without spaces');
  return name;
}

/** Builds the configuration from an environment (process.env by default). Throws on nonsense. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  let jwtSecret = optional(env, 'AUTH_JWT_SECRET');
  const jwksUrl = optional(env, 'AUTH_JWKS_URL');
  let usingDevelopmentSecret = false;
  if (!jwtSecret && !jwksUrl) {
    if (production) {
      throw new Error('AUTH_JWT_SECRET or AUTH_JWKS_URL must be set in production');
    }
    jwtSecret = DEVELOPMENT_JWT_SECRET;
    usingDevelopmentSecret = true;
  }
  if (jwtSecret && !usingDevelopmentSecret && Buffer.byteLength(jwtSecret) < 32) {
    throw new Error('AUTH_JWT_SECRET must be at least 32 bytes long');
  }

  const appUrl = (optional(env, 'APP_URL') ?? 'http://localhost:3000').replace(/\/+$/, '');
  return {
    production,
    clock: systemClock,
    host: optional(env, 'HOST') ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: positiveInt(env, 'PORT', 4001),
    corsOrigins: corsOrigins(env, production, appUrl),
    databaseUrl: optional(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL,
    auth: {
      jwtSecret,
      jwksUrl,
      issuer: optional(env, 'AUTH_ISSUER'),
      audience: optional(env, 'AUTH_AUDIENCE'),
      usingDevelopmentSecret,
      maxTokenHours: positiveInt(env, 'AUTH_MAX_TOKEN_HOURS', DEFAULT_MAX_TOKEN_HOURS),
      ssoClaim: ssoClaim(env),
    },
    smtpUrl: optional(env, 'SMTP_URL'),
    mailFrom: optional(env, 'MAIL_FROM') ?? 'Membership <no-reply@localhost>',
    appUrl,
    invitationTtlHours: positiveInt(env, 'INVITATION_TTL_HOURS', 168),
    invitationsPerHour: positiveInt(env, 'INVITATIONS_PER_HOUR', 100),
    routerSecret: optional(env, 'ROUTER_SECRET'),
    metricsPort: env.METRICS_PORT ? positiveInt(env, 'METRICS_PORT', 0) : undefined,
    metricsHost: optional(env, 'METRICS_HOST') ?? '127.0.0.1',
    mailRetryBaseMs: positiveInt(env, 'MAIL_RETRY_BASE_MS', 5000),
    mailRetryMaxMs: positiveInt(env, 'MAIL_RETRY_MAX_MS', 15 * 60_000),
    outboxPollMs: positiveInt(env, 'OUTBOX_POLL_MS', 2000),
    webhooksAllowPrivate: env.WEBHOOKS_ALLOW_PRIVATE === 'true',
    webhookMaxAttempts: positiveInt(env, 'WEBHOOK_MAX_ATTEMPTS', 8),
    webhookRetryBaseMs: positiveInt(env, 'WEBHOOK_RETRY_BASE_MS', 30_000),
    webhookTimeoutMs: positiveInt(env, 'WEBHOOK_TIMEOUT_MS', 10_000),
    webhookMaxEndpoints: positiveInt(env, 'WEBHOOK_MAX_ENDPOINTS', 10),
    webhookConcurrency: positiveInt(env, 'WEBHOOK_CONCURRENCY', 16),
    webhookDisableAfterHours: positiveInt(env, 'WEBHOOK_DISABLE_AFTER_HOURS', 72),
    mailConcurrency: positiveInt(env, 'MAIL_CONCURRENCY', 8),
    membershipSweepMs: positiveInt(env, 'MEMBERSHIP_SWEEP_MS', 60_000),
    auditRetentionDays: env.AUDIT_RETENTION_DAYS ? positiveInt(env, 'AUDIT_RETENTION_DAYS', 0) : null,
    auditRetentionSweepMs: positiveInt(env, 'AUDIT_RETENTION_SWEEP_MS', 60 * 60_000),
    identityWebhookSecret: identitySecret(env),
    dnsServers: (env.DNS_SERVERS ?? '')
      .split(',')
      .map((server) => server.trim())
      .filter((server) => server !== ''),
    dnsTimeoutMs: positiveInt(env, 'DNS_TIMEOUT_MS', 5_000),
    shutdownTimeoutMs: positiveInt(env, 'SHUTDOWN_TIMEOUT_MS', 10_000),
    limits: {
      maxDepth: positiveInt(env, 'QUERY_MAX_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth),
      maxAliases: positiveInt(env, 'QUERY_MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases),
      maxDirectives: positiveInt(env, 'QUERY_MAX_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives),
      maxTokens: positiveInt(env, 'QUERY_MAX_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens),
      maxCost: positiveInt(env, 'QUERY_MAX_COST', DEFAULT_QUERY_LIMITS.maxCost),
      maxBodyBytes: positiveInt(env, 'REQUEST_MAX_BYTES', DEFAULT_QUERY_LIMITS.maxBodyBytes),
      maxRepresentations: positiveInt(env, 'QUERY_MAX_REPRESENTATIONS', DEFAULT_QUERY_LIMITS.maxRepresentations),
    },
    declaredPermissions: declaredPermissions(env),
    authzServiceTokens: serviceTokens(env),
    organizations: {
      concurrency: env.ORGANIZATION_CONCURRENCY ? positiveInt(env, 'ORGANIZATION_CONCURRENCY', 1) : null,
      queue: env.ORGANIZATION_QUEUE ? positiveInt(env, 'ORGANIZATION_QUEUE', 1) : null,
      queueMs: positiveInt(env, 'ORGANIZATION_QUEUE_MS', 2000),
    },
    webAppDir: optional(env, 'WEB_APP_DIR') ?? 'examples/web/dist',
  };
}
