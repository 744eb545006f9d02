import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { DataSource } from 'typeorm';
import { OutboxEmail, OutboxStatus } from '../../entities/outbox-email.entity';
import type { Config } from '../config';
import { placeholders, toSqlDateTime } from '../db/sql';
import { inTransaction, isSqlite } from '../db/transaction';
import type { Logger } from '../logger';
import { redactTokens } from './invitation-email';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface MailTransport {
  send(email: OutgoingEmail): Promise<void>;
  close?(): void;
}

/** SMTP when `SMTP_URL` is set; otherwise the email, link included, goes to the log (SPEC §4). */
export function createMailTransport(config: Config, logger: Logger): MailTransport {
  if (!config.smtpUrl) {
    return {
      async send(email) {
        logger.info({ to: email.to, subject: email.subject, text: email.text }, 'email (SMTP_URL not set, so logged)');
      },
    };
  }
  const transporter = nodemailer.createTransport(config.smtpUrl, {});
  return {
    async send(email) {
      await transporter.sendMail(email);
    },
    close: () => transporter.close(),
  };
}

const HOUR = 3600_000;

export interface DispatcherOptions {
  batchSize?: number;
  /** How long a claim holds before another dispatcher may take the row (a crashed sender). */
  leaseMs?: number;
}

/**
 * Delivers the outbox. Several server instances can run one each on the same database: a row is
 * claimed with a lease (on MySQL/MariaDB the candidates are picked `FOR UPDATE SKIP LOCKED`, and
 * the claim itself is a conditional update whose affected rows decide), so that no two
 * dispatchers send the same email. A failed send is retried with exponential backoff, up to
 * `mailMaxAttempts`; a sent email's stored copy no longer holds the token.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = false;
  private readonly batchSize: number;
  private readonly leaseMs: number;

  constructor(
    private readonly db: DataSource,
    private readonly transport: MailTransport,
    private readonly config: Config,
    private readonly logger: Logger,
    options: DispatcherOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 10;
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /** Polls every `outboxPollMs` until stopped. */
  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => this.nudge(), this.config.outboxPollMs);
    this.timer.unref();
    this.nudge();
  }

  /** Runs a batch soon (after an invitation commits), without waiting for the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.runOnce().catch((error: unknown) => this.logger.error({ err: error }, 'outbox dispatch failed'));
  }

  /** Sends what is due now; resolves with how many emails went out. */
  runOnce(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.dispatch().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.nudge();
      }
    });
    return this.running;
  }

  /** Stops polling and waits for the batch in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => undefined);
    this.transport.close?.();
  }

  private async dispatch(): Promise<number> {
    let sent = 0;
    for (;;) {
      const claimToken = randomUUID();
      const batch = await this.claim(claimToken);
      for (const email of batch) {
        if (await this.deliver(email, claimToken)) sent++;
      }
      if (batch.length < this.batchSize || this.stopped) return sent;
    }
  }

  private async claim(claimToken: string): Promise<OutboxEmail[]> {
    const now = new Date();
    const nowSql = toSqlDateTime(now);
    const until = toSqlDateTime(new Date(now.getTime() + this.leaseMs));
    const due = `status = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)`;
    const dueParams = [OutboxStatus.PENDING, nowSql, nowSql];
    return inTransaction(this.db, async (em) => {
      if (isSqlite(this.db)) {
        // One statement, so the claim is atomic even between two processes on one file (a
        // read-then-write transaction would fail with SQLITE_BUSY under WAL instead of waiting).
        await em.query(
          `UPDATE outbox_emails SET claim_token = ?, claimed_until = ? WHERE id IN` +
            ` (SELECT id FROM outbox_emails WHERE ${due} ORDER BY next_attempt_at LIMIT ${this.batchSize})`,
          [claimToken, until, ...dueParams],
        );
      } else {
        const candidates: { id: string }[] = await em.query(
          `SELECT id FROM outbox_emails WHERE ${due} ORDER BY next_attempt_at LIMIT ${this.batchSize} FOR UPDATE SKIP LOCKED`,
          dueParams,
        );
        if (candidates.length === 0) return [];
        const ids = candidates.map((c) => c.id);
        // The affected rows decide: a row claimed elsewhere meanwhile no longer matches.
        await em.query(
          `UPDATE outbox_emails SET claim_token = ?, claimed_until = ? WHERE id IN (${placeholders(ids.length)}) AND ${due}`,
          [claimToken, until, ...ids, ...dueParams],
        );
      }
      return em.getRepository(OutboxEmail).findBy({ claimToken });
    });
  }

  private async deliver(email: OutboxEmail, claimToken: string): Promise<boolean> {
    const mine = { id: email.id, claimToken };
    try {
      await this.transport.send({
        from: this.config.mailFrom,
        to: email.recipient,
        subject: email.subject,
        text: email.textBody,
        html: email.htmlBody,
      });
    } catch (error) {
      const attempts = email.attempts + 1;
      const giveUp = attempts >= this.config.mailMaxAttempts;
      const delay = Math.min(this.config.mailRetryBaseMs * 2 ** (attempts - 1), HOUR);
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn({ outboxId: email.id, attempts, giveUp, error: message }, 'email not delivered');
      await inTransaction(this.db, (em) =>
        em.update(OutboxEmail, mine, {
          attempts,
          status: giveUp ? OutboxStatus.FAILED : OutboxStatus.PENDING,
          nextAttemptAt: new Date(Date.now() + delay),
          lastError: redactTokens(message).slice(0, 500),
          claimToken: null,
          claimedUntil: null,
          ...(giveUp ? { textBody: redactTokens(email.textBody), htmlBody: redactTokens(email.htmlBody) } : {}),
          updatedAt: new Date(),
        }),
      );
      return false;
    }
    const now = new Date();
    await inTransaction(this.db, (em) =>
      em.update(OutboxEmail, mine, {
        attempts: email.attempts + 1,
        status: OutboxStatus.SENT,
        sentAt: now,
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
