import { createHash } from 'node:crypto';
import { DEFAULT_DATABASE_URL } from '../config/config';

/**
 * The people `npm run seed` creates, shared by the seed, the token command and the Sandbox
 * defaults so that a token for a demo address signs in as that very person. Development only.
 */
export const DEMO_ORGANIZATION = 'Demo Corp';

/**
 * Where the seed writes the demo domains' sites for the example `sites` subgraph (`npm run
 * sites`), so that a query through the gateway joins the two subgraphs on the demo data: one file
 * per database, since each holds its own demo domains — `data/demo-sites.json` for the embedded
 * SQLite (the default), `data/demo-sites-<database>.json` for a MariaDB or MySQL one, so that
 * seeding MariaDB leaves the SQLite demo's sites alone.
 */
export function demoSitesFile(databaseUrl: string): string {
  if (databaseUrl === DEFAULT_DATABASE_URL) return 'data/demo-sites.json';
  const url = /^(mysql|mariadb):/.test(databaseUrl) ? new URL(databaseUrl) : null;
  const name = url
    ? `${url.hostname}-${url.pathname.replace(/^\//, '')}`
    : databaseUrl.replace(/^sqlite:/, '').replace(/\.sqlite$/, '');
  return `data/demo-sites-${name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '')}.json`;
}

export const DEMO_PEOPLE = {
  ada: { name: 'Ada Lovelace', role: 'organization ADMIN' },
  grace: { name: 'Grace Hopper', role: 'organization ACCOUNTING' },
  linus: { name: 'Linus Torvalds', role: 'organization MEMBER' },
  margaret: { name: 'Margaret Hamilton', role: 'ADMIN of workspace Marketing' },
  ken: { name: 'Ken Thompson', role: 'MEMBER of workspace Marketing' },
  barbara: { name: 'Barbara Liskov', role: 'ADMIN of domain www.demo.example' },
  dennis: { name: 'Dennis Ritchie', role: 'MEMBER of domain www.demo.example' },
} as const;

export type DemoName = keyof typeof DEMO_PEOPLE;

export const demoEmail = (name: DemoName): string => `${name}@demo.example`;

/**
 * The `sub` of a development token for an email: the same rule for `npm run token`, the seed
 * and Sandbox, so one address is one person in development. Opaque, as a production identity
 * provider's ids are (docs/personal-data.md): `dev_` and a digest of the address, never the
 * address itself, which would otherwise outlive an erasure in every id column that keeps the
 * person's id (docs/domain-rules.md §16); and no `|`, which a shell reads as a pipe.
 */
export const developmentSubject = (email: string): string =>
  `dev_${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32)}`;

/** The seeded person with this email, if any. */
export function demoPersonByEmail(email: string): { name: string; role: string } | null {
  const local = email
    .trim()
    .toLowerCase()
    .replace(/@demo\.example$/, '');
  if (local === email.trim().toLowerCase() || !(local in DEMO_PEOPLE)) return null;
  return DEMO_PEOPLE[local as DemoName];
}
