import { address, api, organizationOf, page, useWebApp } from './support/server';
import {
  dialog,
  expectAccessible,
  expectNoHorizontalScroll,
  home,
  openOrganization,
  openSection,
  rowOf,
  screenshot,
} from './support/page';

/** The web app in chromium: narrow screens (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: narrow screens', () => {
  it('every screen fits 360 px without horizontal scroll, tables become cards, menus stay on screen', async () => {
    const member = address('narrow-member');
    const { id, name, admin } = await organizationOf('Narrow', [[member, 'MEMBER']]);
    await api(admin, 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }', {
      i: { scope: { organizationId: id }, email: address('narrow-pending'), role: 'MEMBER' },
    });
    await page.setViewportSize({ width: 360, height: 780 });
    try {
      await home(admin);
      await expectNoHorizontalScroll('homepage');
      await openOrganization(name);
      await rowOf(member).waitFor();
      await expectNoHorizontalScroll('members');
      // A card per row: each row a grid of its cells, each cell saying what it is.
      expect(await rowOf(member).evaluate((row) => (globalThis as any).getComputedStyle(row).display)).toBe('grid');
      expect(
        await rowOf(member)
          .locator('td[data-label="Role"]')
          .evaluate((cell) => (globalThis as any).getComputedStyle(cell, '::before').content),
      ).toBe('"Role"');
      await rowOf(member)
        .getByRole('button', { name: /^Actions for/ })
        .click();
      const box = await page.getByRole('menu').boundingBox();
      expect(box!.x >= 0 && box!.x + box!.width <= 360).toBe(true);
      await page.keyboard.press('Escape');
      await expectAccessible('members at 360 px');
      await screenshot('narrow-members');
      for (const section of [
        'Workspaces',
        'Billing & seats',
        'Email domains',
        'Webhooks',
        'Directory provisioning',
        'Roles',
        'Audit log',
        'Settings',
      ]) {
        await openSection(section);
        await expectNoHorizontalScroll(section);
        await expectAccessible(`${section} at 360 px`);
      }
      await screenshot('narrow-settings');
      await openSection('Members');
      await page.getByRole('button', { name: 'Invite people' }).click();
      await dialog(/^Invite people to/).waitFor();
      await expectNoHorizontalScroll('invite dialog');
      await screenshot('narrow-invite');
      await page.keyboard.press('Escape');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
});
