import { signDevelopmentToken } from '../../../src/auth/jwt';
import { describeOnEachDatabase } from '../../support/each-database';
import { TEST_JWT_SECRET } from '../../support/harness';
import { useIdentityProvider } from './people-support';

/**
 * docs/domain-rules.md §16: the newest thing the identity provider said about a person stays. An
 * event's age is its own (Clerk's `data.updated_at`, the event's `timestamp`), not its delivery's:
 * Svix stamps `webhook-timestamp` on every attempt, so a retry of an old event arrives with a time
 * newer than the event that overtook it. And a token issued before the last applied event carries
 * claims the provider has since replaced: they are not written back.
 */
describeOnEachDatabase('identity events in the order they happened', (kind) => {
  const { clock, h, send } = useIdentityProvider(kind);
  /** One delivery attempt, signed by the provider at `attemptAt` (its `svix-timestamp`). */
  const deliver = (event: unknown, id: string, attemptAt: Date) => send(event, { id, at: attemptAt });

  /** `user.updated` as Clerk sends it, the change made at `changedAt`. */
  const updated = (sub: string, name: string, address: string, changedAt: Date) => ({
    type: 'user.updated',
    object: 'event',
    timestamp: changedAt.getTime(),
    data: {
      id: sub,
      object: 'user',
      first_name: name,
      last_name: 'Person',
      updated_at: changedAt.getTime(),
      primary_email_address_id: 'idn_primary',
      email_addresses: [{ id: 'idn_primary', email_address: address, verification: { status: 'verified' } }],
    },
  });

  async function signedIn(sub: string, name: string, email: string, issuedAt: Date) {
    const token = await signDevelopmentToken(TEST_JWT_SECRET, { sub, email, name, issuedAt });
    const result = await h.run('{ me { id } }', {}, { sub, email, name, token });
    expect(result.errors).toBeUndefined();
  }

  const factsOf = async (sub: string) =>
    (await h.database.db.query('SELECT email, display_name FROM users WHERE id = ?', [sub]))[0];

  it('keeps the newer change when a retry of an older event arrives after it', async () => {
    const t = clock.now().getTime();
    const sub = `test|order-${t}-${Math.random().toString(36).slice(2, 8)}`;
    await signedIn(sub, 'Original Person', 'original@example.test', new Date(t - 600_000));

    // The first change's delivery fails; the second change is delivered and applied.
    const first = updated(sub, 'First', 'first@example.test', new Date(t - 120_000));
    const second = updated(sub, 'Second', 'second@example.test', new Date(t - 60_000));
    expect((await deliver(second, 'msg_second', new Date(t - 60_000))).body).toMatchObject({ updated: true });
    expect(await factsOf(sub)).toEqual({ email: 'second@example.test', display_name: 'Second Person' });

    // The provider retries the first change now: its attempt is stamped later than the second.
    const retry = await deliver(first, 'msg_first', new Date(t));
    expect([retry.status, retry.body.updated, retry.body.stale]).toEqual([200, false, true]);
    expect(await factsOf(sub)).toEqual({ email: 'second@example.test', display_name: 'Second Person' });

    // A change made after the second applies.
    const third = updated(sub, 'Third', 'third@example.test', new Date(t - 30_000));
    expect((await deliver(third, 'msg_third', new Date(t))).body).toMatchObject({ updated: true });
    expect(await factsOf(sub)).toEqual({ email: 'third@example.test', display_name: 'Third Person' });
  });

  it('writes back no claims of a token issued before the last applied event, and those of a later one', async () => {
    const t = clock.now().getTime();
    const sub = `test|claims-${t}-${Math.random().toString(36).slice(2, 8)}`;
    await signedIn(sub, 'Before Person', 'before@example.test', new Date(t - 600_000));
    const changed = updated(sub, 'Changed', 'changed@example.test', new Date(t - 60_000));
    expect((await deliver(changed, `msg_${sub}`, new Date(t - 60_000))).body).toMatchObject({ updated: true });

    // The person's old session, issued before the change, still carries the old name and address.
    await signedIn(sub, 'Before Person', 'before@example.test', new Date(t - 300_000));
    expect(await factsOf(sub)).toEqual({ email: 'changed@example.test', display_name: 'Changed Person' });

    // A token issued after the change says what the provider knows now.
    await signedIn(sub, 'Later Person', 'later@example.test', new Date(t + 1_000));
    expect(await factsOf(sub)).toEqual({ email: 'later@example.test', display_name: 'Later Person' });
  });
});
