import type { DataSource } from 'typeorm';
import { OutboxEmail, OutboxStatus } from '../../entities/outbox-email.entity';
import type { Config } from '../config/config';
import { claimDue, keepClaim } from '../db/claims';
import { fromSqlDateTime } from '../db/sql';
import { inTransaction } from '../db/transaction';
import type { Logger } from '../observability/logger';
import { linksFromHere, redactTokens } from '../services/invitations/invitation-email';
import { type DispatcherOptions, PollingDispatcher } from './polling-dispatcher';
import { isPermanentRejection, type MailTransport, messageIdDomain } from '../outbound/mail-transport';

export type { DispatcherOptions };

/**
 * Delivers the outbox. Several server instances can run one each on the same database: a row is
 * claimed with a lease (on MySQL/MariaDB the candidates are picked `FOR UPDATE SKIP LOCKED`, and
 * the claim itself is a conditional update whose affected rows decide), renewed while the send is
 * in flight, so that no two dispatchers send the same email at once. A failed send is retried with
 * exponential backoff capped at `mailRetryMaxMs`, for as long as its invitation is PENDING and
 * unexpired: an SMTP outage of any length loses no invitation email. An email whose invitation
 * has expired is given up (FAILED). A sent email's stored copy no longer holds the token.
 *
 * Delivery is at least once: a process killed after the SMTP server took the message but before
 * the row was marked SENT leaves it to be sent again when the lease runs out. Every attempt of a
 * row carries the same Message-ID, so receiving systems can recognise such a copy.
 */
export class OutboxDispatcher extends PollingDispatcher<OutboxEmail> {
  constructor(
    db: DataSource,
    private readonly transport: MailTransport,
    config: Config,
    logger: Logger,
    options: DispatcherOptions = {},
  ) {
    super(db, config, logger, { concurrency: config.mailConcurrency, ...options });
  }

  protected override onStop(): void {
    this.transport.close?.();
  }

  protected claim(claimToken: string, slots: number, busy: ReadonlyMap<string, number>): Promise<OutboxEmail[]> {
    return claimDue(
      this.db,
      OutboxEmail,
      'outbox_emails',
      { token: claimToken, leaseMs: this.leaseMs, slots, perOrganization: this.perOrganization, busy },
      this.config.clock.now(),
    );
  }

  private async giveUp(mine: { id: string; claimToken: string }, email: OutboxEmail, reason: string): Promise<void> {
    await inTransaction(this.db, (em) =>
      em.update(OutboxEmail, mine, {
        status: OutboxStatus.FAILED,
        lastError: reason,
        textBody: redactTokens(email.textBody),
        htmlBody: redactTokens(email.htmlBody),
        claimToken: null,
        claimedUntil: null,
        updatedAt: this.config.clock.now(),
      }),
    );
  }

  /** Whether the email's invitation can still be answered (emails without one always can). */
  private async stillWanted(email: OutboxEmail): Promise<boolean> {
    if (!email.invitationId) return true;
    const [row] = await this.db.query('SELECT status, expires_at FROM invitations WHERE id = ?', [email.invitationId]);
    return (
      !!row && row.status === 'PENDING' && fromSqlDateTime(row.expires_at).getTime() > this.config.clock.now().getTime()
    );
  }

  protected async deliver(email: OutboxEmail, claimToken: string): Promise<boolean> {
    const mine = { id: email.id, claimToken };
    if (!(await this.stillWanted(email))) {
      // Its invitation expired while the email waited: a dead link is not worth sending.
      await this.giveUp(mine, email, 'the invitation is no longer pending');
      return false;
    }
    const stopRenewing = keepClaim(this.db, OutboxEmail, mine, this.leaseMs, this.config.clock, (error) =>
      this.logger.warn({ outboxId: mine.id, err: error }, 'outbox lease not renewed'),
    );
    try {
      await this.transport.send({
        from: this.config.mailFrom,
        to: email.recipient,
        subject: email.subject,
        // The links lead to this server's APP_URL, whenever the email was written (npm run seed).
        text: linksFromHere(this.config, email.textBody),
        html: linksFromHere(this.config, email.htmlBody, true),
        messageId: `<${email.id}@${messageIdDomain(this.config.mailFrom)}>`,
      });
    } catch (error) {
      stopRenewing();
      const attempts = email.attempts + 1;
      // A recipient refused for good (5xx to RCPT TO) will not be accepted later: no retry.
      const giveUp = isPermanentRejection(error) || !(await this.stillWanted(email));
      const delay = Math.min(this.config.mailRetryBaseMs * 2 ** Math.min(attempts - 1, 30), this.config.mailRetryMaxMs);
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn({ outboxId: email.id, attempts, giveUp, error: message }, 'email not delivered');
      await inTransaction(this.db, (em) =>
        em.update(OutboxEmail, mine, {
          attempts,
          status: giveUp ? OutboxStatus.FAILED : OutboxStatus.PENDING,
          nextAttemptAt: new Date(this.config.clock.now().getTime() + delay),
          lastAttemptAt: this.config.clock.now(),
          lastError: redactTokens(message).slice(0, 500),
          claimToken: null,
          claimedUntil: null,
          ...(giveUp ? { textBody: redactTokens(email.textBody), htmlBody: redactTokens(email.htmlBody) } : {}),
          updatedAt: this.config.clock.now(),
        }),
      );
      return false;
    }
    stopRenewing();
    const now = this.config.clock.now();
    await inTransaction(this.db, (em) =>
      em.update(OutboxEmail, mine, {
        attempts: email.attempts + 1,
        status: OutboxStatus.SENT,
        sentAt: now,
        lastAttemptAt: now,
        textBody: redactTokens(email.textBody),
        htmlBody: redactTokens(email.htmlBody),
        claimToken: null,
        claimedUntil: null,
        lastError: null,
        updatedAt: now,
      }),
    );
    return true;
  }
}
