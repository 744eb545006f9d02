import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ManualClock } from '../../../src/config/clock';
import { useHarness } from '../../support/each-database';
import { type Harness } from '../../support/harness';
import { listen, type Post } from '../../support/http';
import type { TestDatabase } from '../../support/databases';

/** What the people tests share (erasure.test.ts, identity-events.test.ts beside this file): the whole database as text, the identity provider's events. */

export const SECRET = `whsec_${Buffer.alloc(32, 'identity-provider-secret').toString('base64')}`;

/** Every table of the database, asked of the database itself (so that a new table is dumped too). */
export async function tables(h: Harness, kind: 'sqlite' | 'mysql'): Promise<string[]> {
  const rows: { name: string }[] = await h.database.db.query(
    kind === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
      : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
  );
  return rows.map((row) => row.name).sort();
}

/** Every row of every table, each value as text (bytes decoded), one line per row: the whole database. */
export async function dump(h: Harness, kind: 'sqlite' | 'mysql'): Promise<Map<string, string[]>> {
  const quote = (name: string) => (kind === 'sqlite' ? `"${name}"` : `\`${name}\``);
  const text = (value: unknown): string =>
    Buffer.isBuffer(value) || value instanceof Uint8Array
      ? Buffer.from(value).toString('utf8')
      : value instanceof Date
        ? value.toISOString()
        : String(value);
  const all = new Map<string, string[]>();
  for (const table of await tables(h, kind)) {
    const rows: Record<string, unknown>[] = await h.database.db.query(`SELECT * FROM ${quote(table)}`);
    all.set(
      table,
      rows.map((row) =>
        Object.entries(row)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([column, value]) => `${column}=${text(value)}`)
          .join('\u0000'),
      ),
    );
  }
  return all;
}

/** Where `needle` appears (case-insensitive) in the whole database: "table" per row found. */
export async function occurrences(h: Harness, kind: 'sqlite' | 'mysql', needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const [table, rows] of await dump(h, kind)) {
    for (const row of rows) if (row.toLowerCase().includes(needle.toLowerCase())) found.push(table);
  }
  return found;
}

/** A fingerprint of every row of every table: equal fingerprints, nothing changed. */
export async function snapshot(h: Harness, kind: 'sqlite' | 'mysql'): Promise<string> {
  const hash = createHash('sha256');
  for (const [table, rows] of await dump(h, kind)) hash.update(`${table}\n${[...rows].sort().join('\n')}\n`);
  return hash.digest('hex');
}

export async function countOf(h: Harness, organizationId: string): Promise<number> {
  const [row] = await h.database.db.query('SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = ?', [
    organizationId,
  ]);
  return Number(row.n);
}

/** A `user.updated` event as Clerk sends it: the name, and the primary address with its status. */
export const updatedEvent = (sub: string, name: [string, string], address: string, status = 'verified') => ({
  type: 'user.updated',
  object: 'event',
  data: {
    id: sub,
    object: 'user',
    first_name: name[0],
    last_name: name[1],
    primary_email_address_id: 'idn_primary',
    email_addresses: [{ id: 'idn_primary', email_address: address, verification: { status } }],
  },
});

/**
 * The server of a people test on `kind`, with the identity provider's webhook secret, and the
 * provider's side: `send` an event signed as it would, `deleted(sub)` its `user.deleted` event.
 * `server.base` and `server.post` are the server on loopback once its beforeAll ran.
 */
export function useIdentityProvider(kind: TestDatabase) {
  const clock = new ManualClock(new Date('2026-12-01T09:00:00Z'), { running: true });
  const h = useHarness(
    kind,
    { IDENTITY_WEBHOOK_SECRET: SECRET, WEBHOOKS_ALLOW_PRIVATE: 'true' },
    {
      nudgeOutbox: false,
      clock,
    },
  );
  const server = { base: '', post: undefined as unknown as Post };
  beforeAll(async () => {
    const listening = await listen(h.app);
    server.base = listening.url.replace(/\/graphql$/, '');
    server.post = listening.post;
  });

  /** Sends an event signed as the provider would, under Clerk's svix-* headers unless told otherwise. */
  async function send(
    event: unknown,
    options: { id?: string; at?: Date; secret?: string; headers?: 'svix' | 'webhook'; signed?: string } = {},
  ) {
    const body = JSON.stringify(event);
    const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
    const at = options.at ?? clock.now();
    const prefix = options.headers ?? 'svix';
    const response = await fetch(`${server.base}/identity/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [`${prefix}-id`]: id,
        [`${prefix}-timestamp`]: String(Math.floor(at.getTime() / 1000)),
        [`${prefix}-signature`]: new Webhook(options.secret ?? SECRET).sign(id, at, options.signed ?? body),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  const deleted = (sub: string) => ({
    data: { deleted: true, id: sub, object: 'user' },
    object: 'event',
    type: 'user.deleted',
  });

  return { clock, h, server, send, deleted };
}
