import type http from 'node:http';
import type { DataSource } from 'typeorm';
import type { OrganizationShare } from '../config/config';
import { OrganizationBusyError } from '../domain/errors';
import { isUuid } from '../domain/validation';

/**
 * docs/domain-rules.md §9, one organization never starves the others of the database.
 *
 * The pool is shared by every organization: mysql2 hands connections out first come, first
 * served, and queues at most 200 waiters (then refuses, as SERVICE_UNAVAILABLE). 230 requests of
 * one organization that all write its row (`withOrganizationLock`) each held a connection while
 * they waited for that lock, one after another, and filled the pool and its queue: another
 * organization's reads waited behind them, or were refused. So a request is admitted first, per
 * organization: at most `concurrency` requests of one organization hold database work at once on
 * this instance (a quarter of the pool by default, so three organizations at full tilt still leave
 * connections to the rest); the next ones wait in that organization's own queue (first in, first
 * out, `queue` long, `queueMs` at most), and past it are refused at once with RATE_LIMITED (HTTP
 * 429, `Retry-After`) before they have done anything. Other organizations never wait in that
 * queue. A request is attributed before its first statement: GraphQL by the ids its root fields
 * name, SCIM by its token, the export by its scope parameter (src/http/organization-admission.ts).
 * The gate is per instance: N instances let an organization use N shares of one database server,
 * each instance's pool being its own.
 */

/** Seconds an organization refused its turn is told to wait. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/** Gives a slot back (at most once). */
export type Release = () => void;

interface Waiter {
  admit(): void;
  timer: NodeJS.Timeout;
}

interface Turns {
  running: number;
  waiting: Waiter[];
}

/** Gives back every slot held (each release runs at most once), emptying the list. */
function releaseAll(held: Release[]): void {
  for (const release of held.splice(0)) release();
}

/** The admission of requests per organization on this instance. */
export class OrganizationAdmission {
  private readonly turns = new Map<string, Turns>();

  constructor(
    readonly concurrency: number,
    readonly queue: number,
    readonly queueMs: number,
  ) {}

  /** How many requests of an organization hold a slot, and how many wait (for metrics and tests). */
  load(organizationId: string): { running: number; waiting: number } {
    const turns = this.turns.get(organizationId);
    return { running: turns?.running ?? 0, waiting: turns?.waiting.length ?? 0 };
  }

  /**
   * A slot for one request of each organization given, taken in id order (so that two requests
   * naming the same two organizations cannot each hold one and wait for the other). Rejects with
   * OrganizationBusyError, holding nothing, when one of them has no slot free and its queue is
   * full, or its wait runs out.
   */
  async admit(organizationIds: Iterable<string>): Promise<Release> {
    const decided = this.tryAdmit(organizationIds);
    if (decided === null) throw new OrganizationBusyError(BUSY_RETRY_AFTER_SECONDS);
    return decided;
  }

  /**
   * The same decision, made at once where it can be: the release when every organization had a
   * slot free; null, holding nothing, when one of them is refused at once (its queue is full) —
   * no error is made, so that a burst's refusals cost next to nothing; a promise when a request
   * must wait its turn in a queue (it rejects with OrganizationBusyError if the wait runs out).
   */
  tryAdmit(organizationIds: Iterable<string>): Release | null | Promise<Release> {
    const ids = [...new Set(organizationIds)].sort();
    const held: Release[] = [];
    for (let i = 0; i < ids.length; i++) {
      const turn = this.turnOf(ids[i]);
      if (turn === null) {
        releaseAll(held);
        return null;
      }
      if (typeof turn !== 'function') return this.waitThenTake(turn, ids.slice(i + 1), held);
      held.push(turn);
    }
    return held.length === 1 ? held[0] : () => releaseAll(held);
  }

  /**
   * Whether tryAdmit would refuse these organizations at once, without taking or changing anything:
   * the front door (src/http/front-door.ts) asks it before Express sees the request.
   */
  refusesAtOnce(organizationIds: Iterable<string>): boolean {
    for (const id of [...new Set(organizationIds)].sort()) {
      const turns = this.turns.get(id);
      if (!turns || turns.running < this.concurrency) continue;
      // This one would wait for its turn: what follows is decided then, not at once.
      return turns.waiting.length >= this.queue;
    }
    return false;
  }

  /** Waits for one organization's turn, then takes the others' (in order), or gives back all it held. */
  private async waitThenTake(waiting: Promise<Release>, rest: string[], held: Release[]): Promise<Release> {
    try {
      held.push(await waiting);
      for (const id of rest) {
        const turn = this.turnOf(id);
        if (turn === null) throw new OrganizationBusyError(BUSY_RETRY_AFTER_SECONDS);
        held.push(typeof turn === 'function' ? turn : await turn);
      }
    } catch (error) {
      releaseAll(held);
      throw error;
    }
    return () => releaseAll(held);
  }

  /** One organization's slot now, null when its queue is full, or a promise of its turn in the queue. */
  private turnOf(organizationId: string): Release | null | Promise<Release> {
    let turns = this.turns.get(organizationId);
    if (!turns) {
      turns = { running: 0, waiting: [] };
      this.turns.set(organizationId, turns);
    }
    const held = turns;
    if (held.running < this.concurrency) {
      held.running++;
      return this.releaser(organizationId, held);
    }
    if (held.waiting.length >= this.queue) return null;
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        // The slot is handed over by the request that releases it: `running` stays as it is.
        admit: () => {
          clearTimeout(waiter.timer);
          resolve(this.releaser(organizationId, held));
        },
        timer: setTimeout(() => {
          const at = held.waiting.indexOf(waiter);
          if (at >= 0) held.waiting.splice(at, 1);
          this.forgetIfIdle(organizationId, held);
          reject(new OrganizationBusyError(BUSY_RETRY_AFTER_SECONDS));
        }, this.queueMs),
      };
      held.waiting.push(waiter);
    });
  }

  private releaser(organizationId: string, turns: Turns): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = turns.waiting.shift();
      if (next) return next.admit();
      turns.running--;
      this.forgetIfIdle(organizationId, turns);
    };
  }

  private forgetIfIdle(organizationId: string, turns: Turns): void {
    if (turns.running === 0 && turns.waiting.length === 0 && this.turns.get(organizationId) === turns) {
      this.turns.delete(organizationId);
    }
  }
}

/**
 * A request's turn for the organizations given, decided at once where it can be: 'admitted' (the
 * turn is held until the response is over), 'refused' (the organization's queue is full: nothing
 * is held, no error made), or a promise that settles when its turn in the queue comes (rejected
 * with OrganizationBusyError when the wait runs out).
 */
export type Turn = 'admitted' | 'refused' | Promise<void>;

/**
 * A 429 written once: what every refusal of a burst sends, as bytes, with `Retry-After` — no
 * error object made, nothing serialised, no ETag worked out. The headers set before it (nosniff,
 * CORS) stay.
 */
export interface PreparedRefusal {
  contentType: string;
  body: Buffer;
}

export function prepareRefusal(contentType: string, body: unknown): PreparedRefusal {
  return { contentType, body: Buffer.from(JSON.stringify(body)) };
}

function writeRefusal(res: http.ServerResponse, refusal: PreparedRefusal): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(429, {
    'retry-after': String(BUSY_RETRY_AFTER_SECONDS),
    'content-type': refusal.contentType,
    'content-length': refusal.body.length,
  });
  res.end(refusal.body);
}

/** Refusals written per turn of the event loop. */
const REFUSALS_PER_TURN = 8;
const refusals: [http.ServerResponse, PreparedRefusal][] = [];
let writing = false;

function writeSomeRefusals(): void {
  for (const [res, refusal] of refusals.splice(0, REFUSALS_PER_TURN)) writeRefusal(res, refusal);
  writing = refusals.length > 0;
  if (writing) setImmediate(writeSomeRefusals);
}

/**
 * Answers a refused request — a few per turn of the event loop, after the input that turn
 * brought. Writing an answer is a system call, the largest part of what a refusal costs (the
 * bench's profile); 230 of them in a row made every request that arrived with the burst —
 * another organization's among them — wait for all of them. So refusals yield: between two
 * handfuls, the requests that are admitted (and their database answers) go first.
 */
export function sendRefused(res: http.ServerResponse, refusal: PreparedRefusal): void {
  refusals.push([res, refusal]);
  if (writing) return;
  writing = true;
  setImmediate(writeSomeRefusals);
}

/** The pool's size: mysql2's connection limit; SQLite has one connection. */
export function poolSizeOf(db: DataSource): number {
  const options = db.options as { type: string; poolSize?: number };
  return options.type === 'better-sqlite3' ? 1 : (options.poolSize ?? 10);
}

const admissions = new WeakMap<DataSource, OrganizationAdmission>();

/**
 * The admission of a database handle (one per handle, shared by every way in: GraphQL, SCIM, the
 * export), sized from ORGANIZATION_CONCURRENCY or a quarter of the handle's pool.
 */
export function admissionOf(db: DataSource, share: OrganizationShare): OrganizationAdmission {
  let admission = admissions.get(db);
  if (!admission) {
    const concurrency = share.concurrency ?? Math.max(1, Math.floor(poolSizeOf(db) / 4));
    admission = new OrganizationAdmission(concurrency, share.queue ?? 8 * concurrency, share.queueMs);
    admissions.set(db, admission);
  }
  return admission;
}

/** The tables whose rows belong to one organization (`organization_id`), by which an id is attributed. */
export type OwnedTable =
  | 'workspaces'
  | 'domains'
  | 'memberships'
  | 'invitations'
  | 'email_domains'
  | 'webhook_endpoints'
  | 'webhook_deliveries'
  | 'provisioning_tokens';

/** A row's organization never changes: what was found is kept (this many at most, oldest out first). */
const REMEMBERED = 10_000;
const owners = new WeakMap<DataSource, Map<string, string>>();

function rememberedOf(db: DataSource): Map<string, string> {
  let known = owners.get(db);
  if (!known) {
    known = new Map();
    owners.set(db, known);
  }
  return known;
}

/** The organization `key` belongs to if it is remembered already (no read): undefined otherwise. */
export function knownOwner(db: DataSource, key: string): string | undefined {
  return owners.get(db)?.get(key);
}

/**
 * The organization `key` belongs to, remembered once found: `lookup` (one read) runs only when it is
 * not known yet, and finds nothing (null) for a key that belongs to none — which is not remembered.
 */
export async function rememberedOwner(
  db: DataSource,
  key: string,
  lookup: () => Promise<string | null>,
): Promise<string | null> {
  const known = rememberedOf(db);
  const remembered = known.get(key);
  if (remembered) return remembered;
  const found = await lookup();
  if (!found) return null;
  if (known.size >= REMEMBERED) known.delete(known.keys().next().value as string);
  known.set(key, found);
  return found;
}

const rowKey = (table: OwnedTable, id: string) => `${table}:${id}`;

/**
 * organizationOfRow without a read: null for what is not an id, the organization when it is
 * remembered, undefined when only a read can tell.
 */
export function knownOrganizationOfRow(db: DataSource, table: OwnedTable, id: string): string | null | undefined {
  return isUuid(id) ? knownOwner(db, rowKey(table, id)) : null;
}

/**
 * The organization a row belongs to, or null where there is no such row (or the id is not one).
 * One primary-key read, made before admission (it is how the request's organization is known),
 * then remembered.
 */
export async function organizationOfRow(db: DataSource, table: OwnedTable, id: string): Promise<string | null> {
  if (!isUuid(id)) return null;
  return rememberedOwner(db, rowKey(table, id), async () => {
    const [row] = (await db.query(`SELECT organization_id FROM ${table} WHERE id = ?`, [id])) as {
      organization_id: string;
    }[];
    return row?.organization_id ?? null;
  });
}
