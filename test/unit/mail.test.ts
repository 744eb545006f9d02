import { loadConfig } from '../../src/config/config';
import { memoryLogger } from '../support/log';
import { composeInvitationEmail, redactTokens } from '../../src/services/invitations/invitation-email';
import { createMailTransport } from '../../src/outbound/mail-transport';

const config = loadConfig({ APP_URL: 'https://app.example.test/' });
const facts = {
  organizationName: 'Acme <script>',
  scopeLabel: 'the Web workspace of Acme <script>',
  inviterName: 'Ada\r\nBcc: evil@example.test',
  role: 'ADMIN',
  expiresAt: new Date('2026-12-05T09:00:00Z'),
};

describe('invitation email', () => {
  const token = 'A'.repeat(43);
  const email = composeInvitationEmail(config, facts, token);

  it('names the organization and the inviter, on one line', () => {
    expect(email.subject).toBe('Ada Bcc: evil@example.test invited you to join Acme <script>');
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it('carries the link in both bodies, and escapes names in HTML', () => {
    const link = `https://app.example.test/invitations/accept?token=${token}`;
    expect(email.text).toContain(link);
    expect(email.html).toContain(`href="${link}"`);
    expect(email.html).toContain('Acme &lt;script&gt;');
    expect(email.html).not.toContain('<script>');
  });

  it('says when time-limited access ends, and nothing of the kind for lasting access', () => {
    const limited = composeInvitationEmail(
      config,
      { ...facts, accessExpiresAt: new Date('2027-01-31T18:00:00Z') },
      token,
    );
    expect(limited.text).toContain('Your access will end on Sun, 31 Jan 2027 18:00:00 GMT.');
    expect(limited.html).toContain('Your access will end on Sun, 31 Jan 2027 18:00:00 GMT.');
    expect(email.text).not.toContain('access will end');
  });

  it('redacts the token from a stored copy', () => {
    expect(redactTokens(email.text)).not.toContain(token);
    expect(redactTokens(email.html)).not.toContain(token);
  });

  it('goes to the log, link included, when SMTP_URL is not set', async () => {
    const { logger, lines } = memoryLogger();
    await createMailTransport(config, logger).send({
      from: 'x@example.test',
      to: 'y@example.test',
      messageId: '<1@example.test>',
      ...email,
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ to: 'y@example.test', subject: email.subject });
    expect(String(lines[0].text)).toContain(`token=${token}`);
    // The link reads on its own among request logs: in the message, and as a field.
    const link = `https://app.example.test/invitations/accept?token=${token}`;
    expect(lines[0].link).toBe(link);
    expect(lines[0].msg).toBe(`email to y@example.test (logged, SMTP_URL not set): open ${link}`);
  });
});
