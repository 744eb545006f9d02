import { waitFor } from '../support/processes';
import { address, context, cspViolations, newPageListeners, page, webUrl, useWebApp } from './support/server';
import { expectAccessible, home, screenshot, signedOut } from './support/page';

/** The web app in chromium: sign-in, the session and the Content-Security-Policy (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: sign-in, the session and the Content-Security-Policy', () => {
  it('runs under its Content-Security-Policy, which the page would report refusing', async () => {
    const answer = await page.goto(webUrl);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(answer?.headers()['x-frame-options']).toBe('DENY');
    await home(address('policy'));
    // The check itself: an inline script is refused and reported, so a silent console means something.
    await page.evaluate(() => {
      const script = (globalThis as any).document.createElement('script');
      script.textContent = 'globalThis.inlineRan = true';
      (globalThis as any).document.body.append(script);
    });
    await waitFor('the refusal to be reported', async () => cspViolations.length > 0, 5_000);
    expect(await page.evaluate(() => (globalThis as any).inlineRan)).toBeUndefined();
    expect(cspViolations.splice(0)).toEqual([expect.stringMatching(/inline script/)]);
  });

  it('the session is shared by the tabs: signing out in one signs out the other', async () => {
    const person = address('tabs');
    await home(person);
    const second = await context.newPage();
    newPageListeners(second);
    try {
      await second.goto(webUrl);
      await second.getByRole('banner').getByText(`Signed in as ${person}`).waitFor();
      await second.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    } finally {
      await second.close();
    }
  });

  it('the development sign-in lists the demo people, one click each', async () => {
    await signedOut();
    const ada = page.getByRole('button', { name: /Ada Lovelace/ });
    await ada.waitFor();
    expect(await page.getByRole('list').filter({ has: ada }).getByRole('button').count()).toBe(7);
    await expectAccessible('sign-in page');
    await screenshot('sign-in');
    await ada.click();
    await page.getByRole('banner').getByText('Signed in as ada@demo.example').waitFor();
  });
});
