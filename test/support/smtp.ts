import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on loopback for the tests: it speaks the protocol, parses what it
 * receives, and can be told to refuse mail (a temporary 451) to exercise retries.
 */
export class TestSmtpServer {
  readonly messages: ParsedMail[] = [];
  refusing = false;
  /** Refuse every recipient for good (550, a mailbox that does not exist). */
  rejecting = false;
  /** Milliseconds to sit on a message's DATA before accepting it (a slow server). */
  delayMs = 0;
  /** Every RCPT TO seen, refused ones included: how many attempts reached the server. */
  attempts = 0;
  /** Recipients the server never answers at RCPT TO (a stalled mailbox), until it stops. */
  stallWhen: (address: string) => boolean = () => false;
  private readonly stalled: ((error?: Error) => void)[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        this.attempts++;
        if (this.stallWhen(address.address)) {
          this.stalled.push(callback);
          return;
        }
        if (this.rejecting) {
          return callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
        }
        if (this.refusing) {
          const error = Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 451 });
          return callback(error);
        }
        callback();
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then(async (mail) => {
            if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
            this.messages.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const release of this.stalled.splice(0)) release(Object.assign(new Error('Stopping'), { responseCode: 421 }));
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** Messages to one address. */
  to(address: string): ParsedMail[] {
    return this.messages.filter((m) => {
      const to = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
      return to.some((t) => t.value.some((v) => v.address?.toLowerCase() === address.toLowerCase()));
    });
  }
}

/** The token in an invitation email's link. */
export function tokenFromEmail(mail: ParsedMail, appUrl: string): string {
  const prefix = `${appUrl}/invitations/accept?token=`;
  const at = (mail.text ?? '').indexOf(prefix);
  if (at < 0) throw new Error('no invitation link in the email');
  return (mail.text ?? '').slice(at + prefix.length).split(/\s/)[0];
}
