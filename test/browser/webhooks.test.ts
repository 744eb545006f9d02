import { webhookReceiver } from '../support/http';
import { api, organizationOf, page, useWebApp } from './support/server';
import {
  dialog,
  expectAccessible,
  expectStatus,
  home,
  menuItems,
  openOrganization,
  openSection,
  rowAction,
  screenshot,
} from './support/page';

/** The web app in chromium: webhooks (test/browser/support has the setup). */
useWebApp();

describe('the web app in chromium: webhooks', () => {
  it('a webhook is added (secret shown once), delivers an event, and is disabled, rotated and deleted', async () => {
    const receiver = await webhookReceiver();
    const hookUrl = receiver.url;
    try {
      const { id, name, admin } = await organizationOf('Hooks');
      await home(admin);
      await openOrganization(name);
      await openSection('Webhooks');
      await page.getByText('No webhook endpoint yet.').waitFor();
      await expectAccessible('webhooks, none yet');
      await page.getByLabel('Endpoint URL').fill(hookUrl);
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const secretDialog = dialog('Endpoint added: its signing secret');
      const secret = await secretDialog.getByLabel('Signing secret', { exact: true }).inputValue();
      expect(secret).toMatch(/^whsec_/);
      await expectAccessible('webhook secret dialog');
      await secretDialog.getByRole('button', { name: 'I have stored the secret' }).click();
      const endpoints = page.getByRole('table', { name: /^Endpoints/ });
      await endpoints.getByRole('row').filter({ hasText: hookUrl }).getByText('Enabled').waitFor();
      // A change in the organization: one event, delivered to the receiver, shown as delivered.
      await api(admin, 'mutation($o: ID!) { createWorkspace(input: { organizationId: $o, name: "Hooked" }) { id } }', {
        o: id,
      });
      const deliveries = page.getByRole('table', { name: 'Deliveries, newest first' });
      const delivered = deliveries.getByRole('row').filter({ hasText: 'Workspace created' });
      await delivered.getByText('Delivered').waitFor({ timeout: 15_000 });
      await delivered.getByText('HTTP 200').waitFor();
      const eventId = await delivered.locator('.mono').textContent();
      expect(receiver.received.map((call) => call.headers['webhook-id'])).toContain(eventId);
      await expectAccessible('webhooks with deliveries');
      await screenshot('webhooks');

      const endpointRow = endpoints.getByRole('row').filter({ hasText: hookUrl });
      await rowAction(endpointRow, 'Disable');
      await expectStatus(`${hookUrl} is disabled: no new event is delivered to it.`);
      await endpointRow.getByText('Disabled').waitFor();
      await rowAction(endpointRow, 'Rotate secret…');
      await expectAccessible('rotate secret dialog');
      await dialog(`Rotate the secret of ${hookUrl}?`).getByRole('button', { name: 'Rotate secret' }).click();
      const rotated = dialog('The new signing secret');
      const newSecret = await rotated.getByLabel('Signing secret', { exact: true }).inputValue();
      expect(newSecret).toMatch(/^whsec_/);
      expect(newSecret).not.toBe(secret);
      await rotated.getByRole('button', { name: 'I have stored the secret' }).click();
      await rowAction(endpointRow, 'Delete endpoint…');
      await dialog(`Delete the endpoint ${hookUrl}?`).getByRole('button', { name: 'Delete endpoint' }).click();
      await page.getByText('No webhook endpoint yet.').waitFor();
    } finally {
      await receiver.close();
    }
  });

  it('a failed webhook delivery is redelivered from its row, with the same webhook-id', async () => {
    let answer = 503;
    const receiver = await webhookReceiver(() => answer);
    const hookUrl = receiver.url;
    const received = () => receiver.received.map((call) => call.headers['webhook-id']);
    try {
      const { id, name, admin } = await organizationOf('Redeliver');
      await api(admin, 'mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }', {
        i: { organizationId: id, url: hookUrl, actions: ['WORKSPACE_CREATED'] },
      });
      await api(admin, 'mutation($o: ID!) { createWorkspace(input: { organizationId: $o, name: "Retried" }) { id } }', {
        o: id,
      });
      await home(admin);
      await openOrganization(name);
      await openSection('Webhooks');
      const deliveries = page.getByRole('table', { name: 'Deliveries, newest first' });
      const row = deliveries.getByRole('row').filter({ hasText: 'Workspace created' });
      await row.getByText('Failed').waitFor({ timeout: 15_000 });
      await row.locator('td[data-label="Answer"]').getByText('HTTP 503').waitFor();
      const eventId = (await row.locator('.mono').textContent())!;
      expect(received()).toEqual([eventId]);
      await expectAccessible('webhooks with a failed delivery');
      await screenshot('webhook-failed-delivery');
      answer = 200;
      await rowAction(row, 'Redeliver');
      await expectStatus(`Workspace created (${eventId}) is queued again for ${hookUrl}, with the same webhook-id.`);
      await row.getByText('Delivered').waitFor({ timeout: 15_000 });
      await row.locator('td[data-label="Answer"]').getByText('HTTP 200').waitFor();
      expect(received()).toEqual([eventId, eventId]);
      // Delivered: nothing left to redeliver.
      expect(await menuItems(row)).toEqual(['Copy event ID']);
    } finally {
      await receiver.close();
    }
  });
});
