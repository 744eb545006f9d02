import { Invitation } from '../../../entities/invitation.entity';
import type { TestDatabase } from '../../support/databases';
import { useHarness, useWorldPerTest } from '../../support/each-database';

/**
 * What the invitation tests share (invitations.test.ts, invitation-answers.test.ts beside this
 * file): the server on `kind`, a world per test (none shares another's organization or its hourly
 * invitation budget), its ADMIN, and an invitation's status as stored.
 */
export function useInvitationWorld(kind: TestDatabase) {
  const h = useHarness(kind);
  const world = useWorldPerTest(h);
  const admin = () => world.people.orgAdmin;
  const status = async (id: string) => (await h.database.db.getRepository(Invitation).findOneByOrFail({ id })).status;
  return { h, world, admin, status };
}
