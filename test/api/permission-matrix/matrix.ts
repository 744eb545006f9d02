import { EntitiesDocument, CreateWebhookEndpointDocument, UpdateOrganizationDocument } from '../../generated/graphql';
import { Membership } from '../../../entities/membership.entity';
import { WebhookDelivery, WebhookEndpoint } from '../../../entities/webhook.entity';
import { DeliveryStatus } from '../../../src/domain/enums';
import { createWorld, invite, PERSONAS, scopeInput, type Persona, type World } from '../../support/factories';
import { type Harness, type OperationResult, type Person } from '../../support/harness';

/**
 * What the permission matrix's files share (reads.test.ts, writes-*.test.ts beside this file): the
 * outcomes, the worlds' invitations, requests and webhooks each case may need, fresh worlds.
 *
 * Outcomes: `ok` (data, no error), `null` (no error, no object: `_entities` for something the
 * caller may not see), or the `extensions.code` of the first error.
 */

export type Outcome =
  'ok' | 'null' | 'UNAUTHENTICATED' | 'NOT_FOUND' | 'FORBIDDEN' | 'EMAIL_MISMATCH' | 'LAST_ADMIN' | 'ALREADY_MEMBER';
export const U = 'UNAUTHENTICATED';
export const N = 'NOT_FOUND';
export const F = 'FORBIDDEN';
export const M = 'EMAIL_MISMATCH';
export const A = 'ALREADY_MEMBER';

/** A pending request of the world's workspace MEMBER to join D1b, made once per world. */
const requests = new WeakMap<World, string>();
export async function requestIn(h: Harness, w: World): Promise<string> {
  if (!requests.has(w)) {
    const result = await h.run(
      'mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }',
      { input: { scope: { domainId: w.d1b.id } } },
      w.people.wsMember,
    );
    requests.set(w, (result.data as { requestAccess: { id: string } }).requestAccess.id);
  }
  return requests.get(w) as string;
}
export const requestStatus = async (h: Harness, w: World) =>
  (await h.database.db.query('SELECT status FROM access_requests WHERE id = ?', [await requestIn(h, w)]))[0]?.status;

export type Run = (h: Harness, w: World, persona: Persona) => Promise<OperationResult<unknown>>;

/** Pending invitations into each scope of a world, to someone outside it. */
export async function withInvitations(h: Harness, w: World) {
  const invitee = await h.person('invitee');
  const admin = w.people.orgAdmin;
  return {
    invitee,
    organization: await invite(h, admin, scopeInput.organization(w), invitee.email),
    workspace: await invite(h, admin, scopeInput.workspace(w), invitee.email),
    domain: await invite(h, admin, scopeInput.domain(w), invitee.email),
  };
}
export type Invited = Awaited<ReturnType<typeof withInvitations>>;
const invitations = new WeakMap<World, Invited>();
export const invitedIn = async (h: Harness, w: World) => {
  if (!invitations.has(w)) invitations.set(w, await withInvitations(h, w));
  return invitations.get(w) as Invited;
};
export const membershipOf = async (h: Harness, person: Person, scopeId: string) =>
  h.database.db.getRepository(Membership).findOneBy({ userId: person.sub, scopeId });

export function outcome(result: OperationResult<unknown>, pick?: (data: any) => unknown): Outcome {
  const code = result.errors?.[0]?.extensions?.code;
  if (code) return code as Outcome;
  if (pick && (pick(result.data) === null || pick(result.data) === undefined)) return 'null';
  return 'ok';
}

export const entity =
  (typename: string, id: (w: World) => string): Run =>
  (h, w, p) =>
    h.run(EntitiesDocument, { representations: [{ __typename: typename, id: id(w) }] }, w.as(p));

/** A webhook endpoint of each world (saved only: the matrix never runs a dispatcher). */
export const PUBLIC_HOOK = 'https://93.184.215.14/hook';
const endpoints = new WeakMap<World, { id: string; secret: string }>();
export async function endpointIn(h: Harness, w: World) {
  if (!endpoints.has(w)) {
    const created = await h.run(
      CreateWebhookEndpointDocument,
      { input: { organizationId: w.organization.id, url: PUBLIC_HOOK } },
      w.people.orgAdmin,
    );
    const made = created.data!.createWebhookEndpoint;
    endpoints.set(w, { id: made.endpoint.id, secret: made.secret });
  }
  return endpoints.get(w)!;
}
/** A FAILED delivery of the world's endpoint (made so in the database: the matrix sends nothing). */
const failedDeliveries = new WeakMap<World, string>();
export async function failedDeliveryIn(h: Harness, w: World): Promise<string> {
  if (!failedDeliveries.has(w)) {
    const { id: endpointId } = await endpointIn(h, w);
    await h.run(UpdateOrganizationDocument, { id: w.organization.id, input: { name: 'Hooked' } }, w.people.orgAdmin);
    const delivery = await h.database.db.getRepository(WebhookDelivery).findOneByOrFail({ endpointId });
    await h.database.db
      .getRepository(WebhookDelivery)
      .update({ id: delivery.id }, { status: DeliveryStatus.FAILED, attempts: 8, nextAttemptAt: null });
    failedDeliveries.set(w, delivery.id);
  }
  return failedDeliveries.get(w)!;
}
export const endpointRow = async (h: Harness, w: World) =>
  h.database.db.getRepository(WebhookEndpoint).findOneBy({ id: (await endpointIn(h, w)).id });

export const cases = (table: Record<string, Outcome[]>) =>
  Object.entries(table).flatMap(([op, row]) => PERSONAS.map((persona, i) => [op, persona, row[i]] as const));

/**
 * Fresh worlds, each with its invitations, for the cases that take one: made a few ahead of the
 * case that takes the next, so that making them (some 250 statements each) overlaps the cases and
 * one another instead of waiting on the database one statement at a time. Every world is still
 * made for one case only, and complete before that case starts; no more are made than there are
 * cases, and `settle` waits for any that no case took (a run of some cases only) before the
 * harness closes.
 */
export function freshWorlds(h: Harness, ahead: number, cases: number) {
  const pending: Promise<World>[] = [];
  const made: Promise<unknown>[] = [];
  const make = () => {
    const world = createWorld(h).then(async (w) => (await invitedIn(h, w), w));
    made.push(world.catch(() => undefined));
    return world;
  };
  return {
    next(): Promise<World> {
      while (pending.length <= ahead && made.length < cases) pending.push(make());
      return pending.shift() as Promise<World>;
    },
    settle: () => Promise.all(made),
  };
}
/** What each write does, and how to see from the database or the admin's side whether it happened. */
export type WriteOps = Record<
  string,
  { run: Run; happened: (h: Harness, w: World, persona: Persona) => Promise<boolean> }
>;

/** A table names exactly the operations its file runs, with one outcome for every persona. */
export function itCoversItsTable(table: Record<string, Outcome[]>, ops: Record<string, unknown>): void {
  it('covers every operation of its table and every persona', () => {
    expect(Object.keys(ops).sort()).toEqual(Object.keys(table).sort());
    for (const row of Object.values(table)) expect(row).toHaveLength(PERSONAS.length);
  });
}

/** The writes of a table, each case on a fresh world (`freshWorlds`): the outcome, and whether it happened. */
export function describeWrites(h: Harness, WRITES: Record<string, Outcome[]>, writeOps: WriteOps): void {
  describe('writes (a fresh world for each case)', () => {
    // A write that succeeds changes its world: it gets a world of its own. A refused write changes
    // nothing (each such case asserts it), so the refusals of one operation share a world: each
    // still starts from the same state, a fresh world with its invitations.
    const succeeding = cases(WRITES).filter(([, , expected]) => expected === 'ok').length;
    const worlds = freshWorlds(h, 3, succeeding + Object.keys(WRITES).length);
    const refusals = new Map<string, Promise<World>>();
    const worldFor = (op: string, expected: Outcome) => {
      if (expected === 'ok') return worlds.next();
      if (!refusals.has(op)) refusals.set(op, worlds.next());
      return refusals.get(op) as Promise<World>;
    };
    afterAll(() => worlds.settle());

    it.each(cases(WRITES))('%s as %s → %s', async (op, persona, expected) => {
      const world = await worldFor(op, expected);
      const { run, happened } = writeOps[op];
      const result = await run(h, world, persona);
      expect(outcome(result)).toBe(expected);
      if (expected === 'ok') {
        expect(result.errors).toBeUndefined();
        expect(await happened(h, world, persona)).toBe(true);
      } else {
        // A refused write changes nothing.
        expect(await happened(h, world, persona)).toBe(false);
        expect(result.data).toBeNull();
      }
    });
  });
}
