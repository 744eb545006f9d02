import { loadConfig } from '../../src/config/config';
import { dns, nameOf, organizationOf, page, sameOriginApp, unique, useWebApp } from './support/server';
import {
  dialog,
  expectAccessible,
  expectStatus,
  home,
  openOrganization,
  openSection,
  rowOf,
  screenshot,
  signIn,
  signOut,
} from './support/page';

/** The web app in chromium: email domains (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: email domains', () => {
  it('an email domain is claimed, verified in DNS, and a person with an address there joins from the homepage', async () => {
    const { name, admin } = await organizationOf('Domains');
    const domain = `corp-${unique}.example`;
    await home(admin);
    await openOrganization(name);
    await openSection('Email domains');
    await page.getByLabel('Domain', { exact: true }).fill(domain);
    await page.getByRole('radio', { name: 'Anyone at the domain may join' }).check();
    await page.getByRole('button', { name: 'Claim domain' }).click();
    await expectStatus(`${domain} claimed. Publish its TXT record, then verify it.`);
    const card = page.getByRole('article', { name: domain });
    await card.getByText('Not verified').waitFor();
    const recordName = await card.getByLabel('Record name', { exact: true }).inputValue();
    const recordValue = await card.getByLabel('Record value', { exact: true }).inputValue();
    expect(recordName).toBe(`_membership-verification.${domain}`);
    // Nothing published yet: the server's reason shows in place.
    await card.getByRole('button', { name: `Verify ${domain}` }).click();
    await card
      .getByRole('alert')
      .getByText(/No TXT record/)
      .waitFor();
    await expectAccessible('email domains, not verified');
    await screenshot('email-domains');
    dns.txt.set(recordName, [recordValue]);
    await card.getByRole('button', { name: `Verify ${domain}` }).click();
    await expectStatus(`${domain} is verified.`);
    await card.getByText('Verified', { exact: true }).waitFor();
    expect(await card.getByLabel('Who may join by this domain').inputValue()).toBe('AUTO_JOIN');
    // Closing the door needs no confirmation; opening it does.
    await card.getByLabel('Who may join by this domain').selectOption({ label: 'Invitation only' });
    await expectStatus(`${domain}: joining is by invitation only.`);
    await card.getByLabel('Who may join by this domain').selectOption({ label: 'Anyone at the domain may join' });
    const open = dialog(`Let anyone at ${domain} join?`);
    await expectAccessible('email domains, opening a domain');
    await open.getByRole('button', { name: 'Let them join' }).click();
    await expectStatus(`People with a verified @${domain} address may now join ${name}.`);

    const joiner = `joiner-${unique}@${domain}`;
    await home(joiner);
    const offer = page.getByRole('region', { name: 'Organizations you can join' });
    await offer.getByText(`They let in anyone with a verified @${domain} address.`).waitFor();
    await page
      .getByText('You do not belong to an organization yet. You can join one above, or create your own.')
      .waitFor();
    await expectAccessible('homepage, organization to join');
    await screenshot('homepage-joinable');
    await offer.getByRole('button', { name: `Join ${name}` }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await expectStatus(`You joined ${name} as a Member.`);
    await rowOf(joiner).waitFor();
  });

  it('under npm start (no private webhooks, public DNS) the two screens say what to run to try them here', async () => {
    const { name, admin } = await organizationOf('TryHere');
    // The app as npm start serves it: neither WEBHOOKS_ALLOW_PRIVATE nor a loopback DNS_SERVERS.
    const started = await sameOriginApp(loadConfig({ NODE_ENV: 'development' }));
    try {
      await page.goto(started.url);
      await page.getByRole('heading', { level: 1 }).waitFor();
      if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await signOut();
      await signIn(admin, { name: nameOf(admin) });
      await openOrganization(name);
      await openSection('Email domains');
      const dnsNote = page.getByRole('note').filter({ hasText: 'Trying email domains on this machine' });
      await dnsNote.getByText('npm run dns').waitFor();
      await dnsNote.getByText('npm run dev').waitFor();
      await expectAccessible('email domains under npm start');
      await openSection('Webhooks');
      const webhookNote = page.getByRole('note').filter({ hasText: 'Trying webhooks on this machine' });
      await webhookNote.getByText('npm run dev').waitFor();
    } finally {
      await started.close();
    }
    // Where both can be tried (this test server's configuration, as npm run dev's), no note.
    await home(admin);
    await openOrganization(name);
    await openSection('Webhooks');
    await page.getByRole('heading', { name: 'Add an endpoint' }).waitFor();
    expect(await page.getByRole('note').count()).toBe(0);
  });
});
