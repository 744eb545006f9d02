import type { AddressInfo } from 'node:net';
import { allMemberEmails, join } from '../../examples/client/client';
import { createWorld, invite, scopeInput } from '../support/factories';
import { createHarness, type Harness } from '../support/harness';

/** The frontend SDK sample works against the real server over HTTP, not only compiles. */
describe('the typed client sample', () => {
  let h: Harness;
  let endpoint: string;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    await new Promise<void>((resolve) => h.app.httpServer.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(h.app.httpServer.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => h.close());

  it('pages through members and joins with an invitation link', async () => {
    const world = await createWorld(h);
    const newcomer = await h.person('newcomer');
    const { token } = await invite(h, world.people.orgAdmin, scopeInput.organization(world), newcomer.email);
    expect(await join(endpoint, newcomer.token, token)).toBe('Acme');
    const emails = await allMemberEmails(endpoint, world.people.orgAdmin.token, world.organization.id);
    expect(emails).toHaveLength(8);
    expect(emails).toContain(newcomer.email);
  });
});
