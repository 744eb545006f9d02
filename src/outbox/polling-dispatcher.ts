import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';

export interface DispatcherOptions {
  batchSize?: number;
  /** How long a claim holds before another dispatcher may take the row (a crashed sender). */
  leaseMs?: number;
}

/**
 * What every outbox dispatcher (emails, webhook calls) shares: it polls every `outboxPollMs`,
 * can be nudged to run right after a commit, never runs two batches at once, and on stop waits
 * for the batch in hand. A batch claims due rows (see `claimDue`) and delivers each.
 */
export abstract class PollingDispatcher<Row extends { id: string }> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  protected stopped = false;
  protected readonly batchSize: number;
  protected readonly leaseMs: number;

  protected constructor(
    protected readonly db: DataSource,
    protected readonly config: Config,
    protected readonly logger: Logger,
    options: DispatcherOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 10;
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /** Claims up to `batchSize` due rows for `claimToken`. */
  protected abstract claim(claimToken: string): Promise<Row[]>;

  /** Makes one attempt at a claimed row; true when it was delivered. */
  protected abstract deliver(row: Row, claimToken: string): Promise<boolean>;

  /** Polls every `outboxPollMs` until stopped. */
  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => this.nudge(), this.config.outboxPollMs);
    this.timer.unref();
    this.nudge();
  }

  /** Runs a batch soon (after a commit that queued something), without waiting for the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.runOnce().catch((error: unknown) => this.logger.error({ err: error }, 'outbox dispatch failed'));
  }

  /** Delivers what is due now; resolves with how many rows were delivered. */
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
    this.onStop();
  }

  /** Releases what the dispatcher holds (a transport). */
  protected onStop(): void {}

  private async dispatch(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const claimToken = randomUUID();
      const batch = await this.claim(claimToken);
      for (const row of batch) {
        if (await this.deliver(row, claimToken)) delivered++;
      }
      if (batch.length < this.batchSize || this.stopped) return delivered;
    }
  }
}
