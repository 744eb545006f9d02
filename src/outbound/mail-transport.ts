import nodemailer from 'nodemailer';
import type { Config } from '../config/config';
import type { Logger } from '../observability/logger';

/**
 * Sending an email: over SMTP when `SMTP_URL` is set (nodemailer), or into the log. The outbox
 * dispatcher (`src/jobs/email-dispatcher.ts`) decides what to send and when.
 */

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The same on every attempt of one outbox row, so that mail systems can drop a duplicate. */
  messageId: string;
}

const SMTP_TIMEOUT_MS = 20_000;

export interface MailTransport {
  send(email: OutgoingEmail): Promise<void>;
  close?(): void;
}

/** SMTP when `SMTP_URL` is set; otherwise the email, link included, goes to the log (docs/domain-rules.md §4). */
export function createMailTransport(config: Config, logger: Logger): MailTransport {
  if (!config.smtpUrl) {
    return {
      async send(email) {
        // In development the log is the mailbox: the link is what a developer follows. In
        // production a link is a credential, and logs are read by many: it stays out.
        if (config.production) {
          logger.warn({ to: email.to, subject: email.subject }, 'email not sent: SMTP_URL is not set');
        } else {
          // The link first and alone in the message, so that it reads among request logs.
          const link = /https?:\/\/\S+/.exec(email.text)?.[0] ?? null;
          logger.info(
            { to: email.to, subject: email.subject, link, text: email.text },
            link
              ? `email to ${email.to} (logged, SMTP_URL not set): open ${link}`
              : `email to ${email.to} (logged, SMTP_URL not set)`,
          );
        }
      },
    };
  }
  // Every SMTP wait is bounded, and well below the dispatcher's lease (60 s, renewed while a send
  // is in flight): a stalled server fails the attempt, it does not outlive the claim.
  const transporter = nodemailer.createTransport(config.smtpUrl, {
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  } as never);
  return {
    async send(email) {
      await transporter.sendMail(email);
    },
    close: () => transporter.close(),
  };
}

/**
 * Whether the SMTP server refused the recipient with a permanent (5xx) reply (RFC 5321 §4.2.1):
 * the mailbox does not exist or does not accept mail, and asking again will not change that.
 * Temporary (4xx) replies, connection failures and 5xx replies to other commands (a login
 * problem is ours to fix) keep the email waiting for the next attempt.
 */
export function isPermanentRejection(error: unknown): boolean {
  const { responseCode, command } = (error ?? {}) as { responseCode?: unknown; command?: unknown };
  return (
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode < 600 &&
    typeof command === 'string' &&
    command.toUpperCase().startsWith('RCPT')
  );
}

/** The domain of the From address, for Message-IDs (`membership.invalid` when it has none). */
export function messageIdDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match ? match[1] : 'membership.invalid';
}
