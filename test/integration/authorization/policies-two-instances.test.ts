import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { DataSource } from 'typeorm';
import { Membership } from '../../../entities/membership.entity';
import { type App, createApp } from '../../../src/http/app';
import { dataSourceOptions } from '../../../src/db/data-source';
import { createLogger } from '../../../src/observability/logger';
import { MembershipSweeper } from '../../../src/jobs/membership-sweeper';
import {
  AcceptInvitationDocument,
  InviteMemberDocument,
  OrganizationSeatsDocument,
  SetMemberExpiryDocument,
  UpdateSeatLimitDocument,
} from '../../generated/graphql';
import { ManualClock } from '../../../src/config/clock';
import { addMember, createOrganization, invite } from '../../support/factories';
import { createHarness, errorCodes, type Harness, type Person } from '../../support/harness';
import { Role, ScopeKind } from '../../../src/domain/enums';
import { describeOnEachDatabase } from '../../support/each-database';

/**
 * docs/domain-rules.md §13 and §14: the seat limit and the expiry sweep hold with two server instances on one
 * database — on MariaDB each with a connection pool of its own, as two processes would have.
 */
describeOnEachDatabase('policies with two instances', (kind) => {
  // Runs with the wall clock; expiries are reached by moving it ahead, not by waiting.
  const clock = new ManualClock(Date.now(), { running: true });
  let h: Harness;
  let secondDb: DataSource;
  let second: App;
  beforeAll(async () => {
    h = await createHarness(kind, { INVITATIONS_PER_HOUR: '1000' }, { nudgeOutbox: false, clock });
    secondDb = kind === 'sqlite' ? h.database.db : new DataSource(dataSourceOptions(h.database.url));
    if (!secondDb.isInitialized) await secondDb.initialize();
    second = await createApp(h.config, secondDb, createLogger({ silent: true }), { nudgeOutbox: false });
  });
  afterAll(async () => {
    await second.apollo.stop();
    if (secondDb !== h.database.db) await secondDb.destroy();
    await h.close();
  });

  /** An operation through the second instance. */
  async function onSecond<TData, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables,
    who: Person,
  ) {
    const contextValue = await second.contextFor(`Bearer ${who.token}`);
    const response = await second.apollo.executeOperation({ query: document as never, variables }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { errors: response.body.singleResult.errors };
  }

  it('invitations and accepts split over both instances end with exactly the limit of seats (5 rounds)', async () => {
    const LIMIT = 6;
    for (let round = 0; round < 5; round++) {
      const owner = await h.person('two-owner');
      const organization = await createOrganization(h, owner, `Two ${round}`);
      const invitees = [await h.person('two-a'), await h.person('two-b')];
      const tokens: string[] = [];
      for (const invitee of invitees) {
        tokens.push((await invite(h, owner, { organizationId: organization.id }, invitee.email)).token);
      }
      const limited = await h.run(
        UpdateSeatLimitDocument,
        { organizationId: organization.id, seatLimit: LIMIT },
        owner,
      );
      expect(errorCodes(limited)).toEqual([]);
      const tag = organization.id.slice(0, 8);
      const results = await Promise.all([
        h.run(AcceptInvitationDocument, { input: { token: tokens[0] } }, invitees[0]),
        onSecond(AcceptInvitationDocument, { input: { token: tokens[1] } }, invitees[1]),
        ...Array.from({ length: 8 }, (_, i) => {
          const input = { scope: { organizationId: organization.id }, email: `two-${i}-${tag}@example.test` };
          return i % 2
            ? h.run(InviteMemberDocument, { input }, owner)
            : onSecond(InviteMemberDocument, { input }, owner);
        }),
      ]);
      const outcomes = results.map((r) => errorCodes(r)[0] ?? 'ok');
      expect([round, outcomes.filter((o) => o === 'ok').length]).toEqual([round, 2 + 3]);
      expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(5).fill('SEAT_LIMIT_REACHED'));
      const seats = await h.run(OrganizationSeatsDocument, { id: organization.id }, owner);
      expect([round, seats.data?.organization?.seatsUsed]).toEqual([round, LIMIT]);
    }
  });

  it('two sweepers at once remove each expired membership once, with one MEMBER_EXPIRED event each', async () => {
    const owner = await h.person('sweep-owner');
    const organization = await createOrganization(h, owner, 'Sweep');
    const scope = { kind: ScopeKind.ORGANIZATION, organizationId: organization.id } as const;
    const people = await Promise.all(Array.from({ length: 12 }, () => h.person('expiring')));
    for (const person of people) await addMember(h, person, scope, Role.MEMBER);
    const soon = new Date(clock.now().getTime() + 60_000).toISOString();
    for (const person of people) {
      const row = await h.database.db.getRepository(Membership).findOneByOrFail({ userId: person.sub });
      expect(errorCodes(await h.run(SetMemberExpiryDocument, { memberId: row.id, expiresAt: soon }, owner))).toEqual(
        [],
      );
    }
    clock.advance(60_000);
    const otherSweeper = new MembershipSweeper(secondDb, h.config, createLogger({ silent: true }));
    const [mine, theirs] = await Promise.all([h.app.sweeper.runOnce(), otherSweeper.runOnce()]);
    expect(mine + theirs).toBe(12);
    expect(await h.database.db.getRepository(Membership).countBy({ organizationId: organization.id })).toBe(1);
    const [events] = await h.database.db.query(
      "SELECT COUNT(*) AS n FROM audit_events WHERE organization_id = ? AND action = 'MEMBER_EXPIRED'",
      [organization.id],
    );
    expect(Number(events.n)).toBe(12);
  });
});
