import { waitFor } from '../support/processes';
import { address, api, organizationOf, page, useWebApp } from './support/server';
import {
  expectAccessible,
  expectStatus,
  home,
  menuItems,
  openOrganization,
  openSection,
  rowOf,
  screenshot,
} from './support/page';

/** The web app in chromium: billing (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: billing', () => {
  it("ACCOUNTING edits billing: saved values are the server's, an error sits beside its field", async () => {
    const accountant = address('accountant');
    const { id, name, admin } = await organizationOf('Billing', [[accountant, 'ACCOUNTING']]);
    await home(accountant);
    await openOrganization(name);
    await rowOf(admin).waitFor();
    expect(await page.getByRole('button', { name: 'Invite people' }).count()).toBe(0);
    expect(await menuItems(rowOf(admin))).toEqual(['Why this access?']);
    await openSection('Billing & seats');
    await page.getByLabel('Legal name').fill('  Acme SARL ');
    await page.getByLabel('Country', { exact: true }).fill('fr');
    await page.getByLabel('VAT number').fill('fr 12.345-678');
    await page.getByRole('button', { name: 'Save billing details', exact: true }).click();
    await expectStatus('Organization billing details: saved.');
    // The form shows what the server kept, not what was typed.
    expect(await page.getByLabel('Legal name').inputValue()).toBe('Acme SARL');
    expect(await page.getByLabel('Country', { exact: true }).inputValue()).toBe('FR');
    expect(await page.getByLabel('VAT number').inputValue()).toBe('FR12345678');
    const saved = await api(
      admin,
      'query($o: ID!) { organization(id: $o) { billingProfile { legalName vatNumber } } }',
      {
        o: id,
      },
    );
    expect(saved.organization.billingProfile).toEqual({ legalName: 'Acme SARL', vatNumber: 'FR12345678' });
    await page.getByLabel('Country', { exact: true }).fill('ZZ');
    await page.getByRole('button', { name: 'Save billing details', exact: true }).click();
    const country = page.getByLabel('Country', { exact: true });
    await waitFor(
      'the country marked invalid',
      async () => (await country.getAttribute('aria-invalid')) === 'true',
      5000,
    );
    const describedBy = (await country.getAttribute('aria-describedby'))!.split(' ');
    const described = await Promise.all(describedBy.map((ref) => page.locator(`[id="${ref}"]`).textContent()));
    expect(described).toContain('Country must be an ISO 3166-1 alpha-2 country code, e.g. FR.');
    await expectAccessible('billing with a field error');
    await screenshot('billing');
  });
});
