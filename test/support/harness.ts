import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { GraphQLFormattedError } from 'graphql';
import { type App, type AppOptions, createApp } from '../../src/http/app';
import { signDevelopmentToken } from '../../src/auth/jwt';
import type { Clock } from '../../src/config/clock';
import { type Config, loadConfig } from '../../src/config/config';
import { StatementCounter } from '../../src/db/statement-counter';
import { createLogger, type Logger } from '../../src/observability/logger';
import { openTestDatabase, type OpenedDatabase, type TestDatabase } from './databases';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

/** A person of the tests: a subject, an email and a signed token. */
export interface Person {
  sub: string;
  email: string;
  name: string;
  token: string;
}

export interface OperationResult<TData> {
  data: TData | null | undefined;
  errors: readonly GraphQLFormattedError[] | undefined;
}

export interface Harness {
  database: OpenedDatabase;
  /** Counts every SQL statement the harness's database receives. */
  statements: StatementCounter;
  app: App;
  config: Config;
  /** A new person with a valid token (verified email by default). */
  person(label?: string, options?: { emailVerified?: boolean }): Promise<Person>;
  /**
   * The same person signed in again: a token issued at the configured clock's moment (tokens
   * expire by that clock, so a test that moves it hours ahead signs its people in again).
   */
  signIn(person: Person): Promise<Person>;
  /** Runs an operation through the whole server (context, shield, resolvers), as `who`. */
  run<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables> | string,
    variables: TVariables,
    who: Person | null,
  ): Promise<OperationResult<TData>>;
  close(): Promise<void>;
}

/**
 * The whole server on a test database. The email dispatcher does not run by itself (tests drive
 * it with `app.outbox.runOnce()` or start it), so queued emails stay readable in the outbox.
 */
export async function createHarness(
  kind: TestDatabase,
  env: Record<string, string> = {},
  options: AppOptions & { database?: OpenedDatabase; clock?: Clock; logger?: Logger } = { nudgeOutbox: false },
): Promise<Harness> {
  const statements = new StatementCounter();
  const database = options.database ?? (await openTestDatabase(kind, { logger: statements }));
  const config = loadConfig({ NODE_ENV: 'test', AUTH_JWT_SECRET: TEST_JWT_SECRET, ...env });
  if (options.clock) config.clock = options.clock;
  const app = await createApp(config, database.db, options.logger ?? createLogger({ silent: true }), options);
  return {
    database,
    statements,
    app,
    config,
    async person(label = 'person', options = {}) {
      const suffix = randomUUID().slice(0, 8);
      const sub = `test|${label}-${suffix}`;
      const email = `${label}-${suffix}@example.test`;
      const name = `${label[0].toUpperCase()}${label.slice(1)} ${suffix}`;
      const token = await signDevelopmentToken(TEST_JWT_SECRET, {
        sub,
        email,
        name,
        emailVerified: options.emailVerified ?? true,
      });
      return { sub, email, name, token };
    },
    async signIn(person) {
      const token = await signDevelopmentToken(TEST_JWT_SECRET, {
        sub: person.sub,
        email: person.email,
        name: person.name,
        emailVerified: true,
        issuedAt: config.clock.now(),
      });
      return { ...person, token };
    },
    async run(document, variables, who) {
      const contextValue = await app.contextFor(who ? `Bearer ${who.token}` : undefined, {
        query: document,
        variables,
      });
      const response = await app.apollo.executeOperation({ query: document as never, variables }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const { data, errors } = response.body.singleResult;
      return { data: data as never, errors };
    },
    async close() {
      await app.outbox.stop();
      await app.webhooks.stop();
      await app.sweeper.stop();
      await app.retention.stop();
      await app.apollo.stop();
      await database.close();
    },
  };
}

/** The codes of a result's errors, in order. */
export function errorCodes(result: { errors?: readonly GraphQLFormattedError[] }): string[] {
  return (result.errors ?? []).map((e) => String(e.extensions?.code));
}
